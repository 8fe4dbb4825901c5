package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KarrasScheduleTest {
  /** SD's scaled_linear schedule: 1000 betas, sqrt-linear from 0.00085 to 0.012. */
  static double[] stableDiffusionBetas() {
    double[] betas = new double[1000];
    double start = Math.sqrt(0.00085);
    double end = Math.sqrt(0.012);
    for (int i = 0; i < betas.length; i++) {
      double root = start + (end - start) * i / 999.0;
      betas[i] = root * root;
    }
    return betas;
  }

  @Test
  void matchesThePythonReference() {
    KarrasSchedule schedule = KarrasSchedule.of(stableDiffusionBetas(), 25);
    // values printed by models/scripts/schedule.py karras_sigmas(25)
    assertEquals(26, schedule.sigmas().length);
    assertEquals(14.61464123, schedule.sigmas()[0], 1e-7);
    assertEquals(12.2830342, schedule.sigmas()[1], 1e-6);
    assertEquals(0.02916716, schedule.sigmas()[24], 1e-7);
    assertEquals(0.0, schedule.sigmas()[25]);
    assertEquals(999.0, schedule.timesteps()[0], 1e-6);
    assertEquals(969.76103748, schedule.timesteps()[1], 1e-5);
    assertEquals(938.44877571, schedule.timesteps()[2], 1e-5);
    assertEquals(1.27947983, schedule.timesteps()[23], 1e-5);
    assertEquals(0.0, schedule.timesteps()[24], 1e-9);
  }

  @Test
  void sigmasDecreaseMonotonically() {
    KarrasSchedule schedule = KarrasSchedule.of(stableDiffusionBetas(), 10);
    for (int i = 1; i < schedule.sigmas().length; i++) {
      assertEquals(true, schedule.sigmas()[i] < schedule.sigmas()[i - 1], "sigma " + i);
    }
  }

  @Test
  void rejectsFewerThanTwoSteps() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KarrasSchedule.of(stableDiffusionBetas(), 1));
    assertEquals("Sampler steps must be at least 2, got 1", e.getMessage());
  }
}
