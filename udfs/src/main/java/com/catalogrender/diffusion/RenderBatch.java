package com.catalogrender.diffusion;

import com.catalogrender.measure.StageValues;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of one batch: decoded pixels in request order, the final latents (for parity checks
 * and audits), and the measured seconds per stage. Pixels become Java images only when asked
 * ({@link #image}), in the caller's post-processing, so the VAE's seconds are device work only.
 *
 * @param pixels the VAE's output, flattened [batch, 3, size, size], in [-1, 1]
 * @param imageSize the model's native image side in pixels
 * @param latents final latents, flattened [batch, channels, size, size], before VAE scaling
 * @param seconds measured seconds of the whole batch per model stage (cache, text encoder, UNet,
 *     VAE)
 * @param embeddingCacheHits per image, whether its caption's text embedding came from the cache
 * @param embeddingCacheFailures cache reads or writes of this batch that failed (Redis down)
 */
public record RenderBatch(
    float[] pixels,
    int imageSize,
    float[] latents,
    StageValues seconds,
    boolean[] embeddingCacheHits,
    int embeddingCacheFailures) {

  /** How many images the batch holds. */
  public int size() {
    return embeddingCacheHits.length;
  }

  /** The {@code index}th image as an RGB image at the model's native size. */
  public BufferedImage image(int index) {
    int plane = imageSize * imageSize;
    BufferedImage image = new BufferedImage(imageSize, imageSize, BufferedImage.TYPE_INT_RGB);
    int offset = index * 3 * plane;
    for (int p = 0; p < plane; p++) {
      int r = toByte(pixels[offset + p]);
      int g = toByte(pixels[offset + plane + p]);
      int b = toByte(pixels[offset + 2 * plane + p]);
      image.setRGB(p % imageSize, p / imageSize, (r << 16) | (g << 8) | b);
    }
    return image;
  }

  /** Every image, in request order. */
  public List<BufferedImage> images() {
    List<BufferedImage> images = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      images.add(image(i));
    }
    return images;
  }

  /** [-1, 1] to 0..255, rounding half up; the Python reference does the same. */
  static int toByte(float value) {
    return (int) Math.max(0, Math.min(255, Math.floor((value + 1.0) * 127.5 + 0.5)));
  }
}
