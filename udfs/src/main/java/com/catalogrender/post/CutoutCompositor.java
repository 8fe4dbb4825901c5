package com.catalogrender.post;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Places a product cut-out (an image with alpha) on a generated background: centred horizontally,
 * standing on the lower part of the frame, scaled to fit a share of the frame, alpha-blended.
 */
public final class CutoutCompositor {
  private static final double SHARE_OF_FRAME = 0.62;

  private CutoutCompositor() {}

  public static BufferedImage composite(BufferedImage background, BufferedImage cutout) {
    if (!cutout.getColorModel().hasAlpha()) {
      throw new IllegalArgumentException(
          "source_image has no alpha channel; a cut-out must be a PNG with transparency");
    }
    int width = background.getWidth();
    int height = background.getHeight();
    double scale =
        Math.min(
            width * SHARE_OF_FRAME / cutout.getWidth(),
            height * SHARE_OF_FRAME / cutout.getHeight());
    int w = Math.max(1, (int) Math.round(cutout.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(cutout.getHeight() * scale));
    int x = (width - w) / 2;
    int y = Math.max(0, height - h - (int) Math.round(height * 0.12));
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(background, 0, 0, null);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setComposite(AlphaComposite.SrcOver);
      g.drawImage(cutout, x, y, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
