package com.catalogrender.diffusion;

/**
 * One image to render at the model's native size.
 *
 * @param caption the diffusion caption
 * @param seed seed of the initial noise
 */
public record RenderRequest(String caption, long seed) {
  public RenderRequest {
    if (caption == null) {
      throw new IllegalArgumentException("Caption must not be null");
    }
  }
}
