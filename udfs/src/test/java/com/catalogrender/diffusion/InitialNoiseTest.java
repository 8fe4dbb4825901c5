package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InitialNoiseTest {
  @Test
  void isThePythonPortsSequence() {
    // models/scripts/export.py initial_noise(42, 6): SplitMix64 + Box-Muller, as in Java
    float[] expected = {
      0.8822488784790039f, 1.3884732723236084f, -0.45084986090660095f,
      0.6707164645195007f, 0.18835262954235077f, -0.2051040232181549f
    };
    assertArrayEquals(expected, InitialNoise.gaussian(42, 6), 1e-6f);
  }

  @Test
  void isStandardNormal() {
    float[] noise = InitialNoise.gaussian(7, 200_001);
    double sum = 0;
    double squares = 0;
    for (float value : noise) {
      sum += value;
      squares += value * value;
    }
    double mean = sum / noise.length;
    assertEquals(0.0, mean, 0.01);
    assertEquals(1.0, squares / noise.length - mean * mean, 0.01);
  }

  @Test
  void dependsOnlyOnTheSeed() {
    assertArrayEquals(InitialNoise.gaussian(5, 1024), InitialNoise.gaussian(5, 1024));
    assertEquals(false, InitialNoise.gaussian(5, 16)[0] == InitialNoise.gaussian(6, 16)[0]);
  }
}
