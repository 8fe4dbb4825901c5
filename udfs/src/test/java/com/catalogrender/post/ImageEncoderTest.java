package com.catalogrender.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {
  private static BufferedImage gradient() {
    BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        image.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | 90);
      }
    }
    return image;
  }

  @Test
  void encodesEveryFormatToSomethingThatDecodesAtTheSameSize() throws IOException {
    for (ImageFormat format : ImageFormat.values()) {
      byte[] bytes = new ImageEncoder(format, 0.85).encode(gradient());
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes));
      assertTrue(back != null, format + " did not decode");
      assertEquals(96, back.getWidth(), format.name());
      assertEquals(64, back.getHeight(), format.name());
    }
  }

  @Test
  void compositesACutoutWithAlpha() {
    BufferedImage background = gradient();
    BufferedImage cutout = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
    for (int i = 0; i < 10; i++) {
      cutout.setRGB(i, i, 0xffff0000);
    }
    BufferedImage out = CutoutCompositor.composite(background, cutout);
    assertEquals(96, out.getWidth());
    assertEquals(background.getRGB(0, 0), out.getRGB(0, 0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CutoutCompositor.composite(background, gradient()));
    assertEquals(
        "source_image has no alpha channel; a cut-out must be a PNG with transparency",
        e.getMessage());
  }

  @Test
  void parsesFormatsAndRejectsUnknownOnes() {
    assertEquals(ImageFormat.JPEG, ImageFormat.parse("JPG"));
    assertEquals(
        "Unknown image format 'gif'; use png, jpeg or webp",
        assertThrows(IllegalArgumentException.class, () -> ImageFormat.parse("gif")).getMessage());
  }
}
