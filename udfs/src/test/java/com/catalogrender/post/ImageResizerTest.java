package com.catalogrender.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageResizerTest {
  @Test
  void upscalesToTheRequestedSizeAndKeepsFlatColour() {
    BufferedImage source = paintedFrom(0, 0x3366cc);
    BufferedImage out = ImageResizer.resize(source, 512, 300, 0.35);
    assertEquals(512, out.getWidth());
    assertEquals(300, out.getHeight());
    assertEquals(0x3366cc, out.getRGB(256, 150) & 0xffffff);
  }

  @Test
  void sharpeningIncreasesEdgeContrast() {
    BufferedImage source = paintedFrom(32, 0xc8c8c8);
    BufferedImage soft = ImageResizer.resize(source, 256, 256, 0);
    BufferedImage sharp = ImageResizer.resize(source, 256, 256, 0.5);
    assertTrue(contrast(sharp, 128) > contrast(soft, 128));
  }

  @Test
  void enlargingAgreesWithJava2dBicubicWithinRounding() {
    BufferedImage source = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int v = Math.min(255, x * 3 + y + random.nextInt(8));
        source.setRGB(x, y, v << 16 | (255 - v) << 8 | (x * y) % 256);
      }
    }
    BufferedImage ours = ImageResizer.enlarge(source, 128, 128);
    BufferedImage java2d = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = java2d.createGraphics();
    g.setRenderingHint(
        java.awt.RenderingHints.KEY_INTERPOLATION,
        java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(source, 0, 0, 128, 128, null);
    g.dispose();
    double total = 0;
    for (int y = 2; y < 126; y++) { // edges aside: Java2D treats them differently
      for (int x = 2; x < 126; x++) {
        for (int shift : new int[] {16, 8, 0}) {
          total +=
              Math.abs(
                  ((ours.getRGB(x, y) >> shift) & 0xff) - ((java2d.getRGB(x, y) >> shift) & 0xff));
        }
      }
    }
    double mean = total / (124 * 124 * 3);
    assertTrue(mean < 1.5, "mean absolute difference per channel " + mean);
  }

  @Test
  void rejectsNonPositiveSizes() {
    BufferedImage source = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageResizer.resize(source, 0, 10, 0));
    assertEquals("Target size must be positive, got 0x10", e.getMessage());
  }

  private static int contrast(BufferedImage image, int y) {
    int min = 255;
    int max = 0;
    for (int x = 100; x < 156; x++) {
      int value = image.getRGB(x, y) & 0xff;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    return max - min;
  }

  /** A black 64x64 image painted {@code rgb} from column {@code firstColumn} to the right edge. */
  private static BufferedImage paintedFrom(int firstColumn, int rgb) {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = firstColumn; x < 64; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }
}
