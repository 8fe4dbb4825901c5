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
