package com.catalogrender.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {
  /** A smooth picture with noise, like a render: gradients, an edge, grain. */
  private static BufferedImage picture(int width, int height) {
    SplittableRandom random = new SplittableRandom(7);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = Math.min(255, x * 255 / width + random.nextInt(6));
        int g = x > width / 2 ? 200 : Math.min(255, y * 255 / height + random.nextInt(6));
        int b = (x * y) % 256;
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  @Test
  void everyPixelRoundTripsThroughImageIo() throws IOException {
    for (int[] size : new int[][] {{1, 1}, {3, 7}, {96, 64}, {257, 131}}) {
      BufferedImage image = picture(size[0], size[1]);
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(image)));
      assertEquals(size[0], back.getWidth());
      assertEquals(size[1], back.getHeight());
      int[] expected = image.getRGB(0, 0, size[0], size[1], null, 0, size[0]);
      int[] actual = back.getRGB(0, 0, size[0], size[1], null, 0, size[0]);
      assertArrayEquals(expected, actual, size[0] + "x" + size[1]);
    }
  }

  @Test
  void smallerThanImageIoOnARenderLikePicture() throws IOException {
    BufferedImage image = picture(256, 256);
    ByteArrayOutputStream imageIo = new ByteArrayOutputStream();
    ImageIO.write(image, "png", imageIo);
    int ours = PngEncoder.encode(image).length;
    assertTrue(ours < imageIo.size(), ours + " bytes vs ImageIO's " + imageIo.size());
  }
}
