package com.catalogrender.post;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;

/** Resizes rendered images to the size a catalog row asks for, and sharpens upscaled ones. */
public final class ImageResizer {
  /** How images are resized: changing it changes every resized image (it is in the fingerprint). */
  public static final String METHOD = "bicubic-halving-steps+unsharp3x3";

  private ImageResizer() {}

  /** Whether resizing a {@code nativeSize} square to width x height enlarges it (and sharpens). */
  public static boolean enlarges(int nativeSize, long width, long height) {
    return width > nativeSize || height > nativeSize;
  }

  /**
   * Resizes to width x height: bicubic, in halving or doubling steps so large factors stay smooth,
   * then an unsharp mask of the given strength (0 = none) when the image was enlarged.
   */
  public static BufferedImage resize(BufferedImage source, int width, int height, double sharpen) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "Target size must be positive, got " + width + "x" + height);
    }
    BufferedImage current = source;
    while (current.getWidth() != width || current.getHeight() != height) {
      int nextWidth = step(current.getWidth(), width);
      int nextHeight = step(current.getHeight(), height);
      current = scale(current, nextWidth, nextHeight);
    }
    boolean enlarged = width > source.getWidth() || height > source.getHeight();
    return enlarged && sharpen > 0 ? sharpen(current, sharpen) : current;
  }

  private static int step(int from, int to) {
    if (to > from) {
      return Math.min(to, from * 2);
    }
    return Math.max(to, (from + 1) / 2);
  }

  private static BufferedImage scale(BufferedImage source, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Unsharp mask with a 3x3 kernel: centre 1 + 4a, edges -a. */
  static BufferedImage sharpen(BufferedImage source, double amount) {
    float a = (float) amount;
    float[] kernel = {0, -a, 0, -a, 1 + 4 * a, -a, 0, -a, 0};
    ConvolveOp op = new ConvolveOp(new Kernel(3, 3, kernel), ConvolveOp.EDGE_NO_OP, null);
    BufferedImage out =
        new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
    return op.filter(source, out);
  }
}
