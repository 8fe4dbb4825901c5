package com.catalogrender.diffusion;

import java.util.SplittableRandom;

/**
 * The initial latent noise of a render, a pure function of its seed: the same seed gives the same
 * image on every machine, JVM and device (SplittableRandom's sequence is specified; Box-Muller is
 * written out here instead of relying on a JDK's nextGaussian).
 */
public final class InitialNoise {
  private InitialNoise() {}

  public static float[] gaussian(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[count];
    for (int i = 0; i < count; i += 2) {
      double u1 = 1.0 - random.nextDouble();
      double u2 = random.nextDouble();
      double radius = Math.sqrt(-2.0 * Math.log(u1));
      out[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
      if (i + 1 < count) {
        out[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
      }
    }
    return out;
  }
}
