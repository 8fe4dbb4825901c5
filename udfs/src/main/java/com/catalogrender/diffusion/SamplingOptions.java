package com.catalogrender.diffusion;

/**
 * Sampler settings shared by every image of a batch.
 *
 * @param steps DPM++ 2M Karras steps (25 in production)
 * @param guidance classifier-free guidance scale; 1 disables the unconditional half
 */
public record SamplingOptions(int steps, double guidance) {
  public SamplingOptions {
    if (steps < 2 || steps > 1000) {
      throw new IllegalArgumentException("Sampler steps must be in [2, 1000], got " + steps);
    }
    if (!(guidance >= 1.0) || guidance > 50.0) {
      throw new IllegalArgumentException("Guidance scale must be in [1, 50], got " + guidance);
    }
  }

  public static SamplingOptions defaults(ModelManifest manifest) {
    return new SamplingOptions(manifest.defaultSteps(), manifest.defaultGuidance());
  }
}
