package com.catalogrender.diffusion;

import com.catalogrender.measure.StageValues;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The result of one batch: images in request order, the final latents (for parity checks and
 * audits), and the measured seconds per stage.
 *
 * @param images RGB images at the model's native size
 * @param latents final latents, flattened [batch, channels, size, size], before VAE scaling
 * @param seconds measured seconds of the whole batch per model stage (text encoder, UNet, VAE)
 * @param embeddingCacheHits per image, whether its caption's text embedding came from the cache
 * @param embeddingCacheFailures cache reads or writes of this batch that failed (Redis down)
 */
public record RenderBatch(
    List<BufferedImage> images,
    float[] latents,
    StageValues seconds,
    boolean[] embeddingCacheHits,
    int embeddingCacheFailures) {
  public RenderBatch {
    images = List.copyOf(images);
  }
}
