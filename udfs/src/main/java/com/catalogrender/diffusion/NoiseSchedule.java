package com.catalogrender.diffusion;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The training noise schedule of a diffusers {@code scheduler_config.json}: {@code beta_schedule}
 * ({@code scaled_linear} or {@code linear}) from {@code beta_start} to {@code beta_end} over {@code
 * num_train_timesteps}. The Karras sigmas are built from these betas ({@link KarrasSchedule}); the
 * config's timestep spacing does not matter to them, since Karras sigmas are spaced by sigma.
 */
final class NoiseSchedule {
  private NoiseSchedule() {}

  static double[] betas(JsonNode config) {
    String schedule = text(config, "beta_schedule");
    double start = number(config, "beta_start");
    double end = number(config, "beta_end");
    int steps = (int) number(config, "num_train_timesteps");
    if (steps < 2 || !(start > 0) || !(end < 1) || start > end) {
      throw new IllegalArgumentException(
          "scheduler_config: need 0 < beta_start <= beta_end < 1 and num_train_timesteps >= 2, got "
              + start
              + ", "
              + end
              + ", "
              + steps);
    }
    double[] betas = new double[steps];
    for (int i = 0; i < steps; i++) {
      double f = (double) i / (steps - 1);
      betas[i] =
          switch (schedule) {
            case "scaled_linear" -> {
              double root = Math.sqrt(start) + f * (Math.sqrt(end) - Math.sqrt(start));
              yield root * root;
            }
            case "linear" -> start + f * (end - start);
            default ->
                throw new IllegalArgumentException(
                    "scheduler_config.beta_schedule must be scaled_linear or linear, got '"
                        + schedule
                        + "'");
          };
    }
    return betas;
  }

  private static String text(JsonNode config, String field) {
    JsonNode value = config.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("scheduler_config." + field + " is missing");
    }
    return value.asText();
  }

  private static double number(JsonNode config, String field) {
    JsonNode value = config.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("scheduler_config." + field + " is missing");
    }
    return value.asDouble();
  }
}
