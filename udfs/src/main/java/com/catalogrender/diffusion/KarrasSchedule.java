package com.catalogrender.diffusion;

/**
 * Karras sigmas (rho = 7) over a model's training noise schedule, with the UNet timestep of each
 * sigma interpolated in log-sigma over the training table, and a final sigma of 0.
 *
 * @param sigmas steps + 1 noise levels, the last one 0
 * @param timesteps the (fractional) training timestep of each of the first {@code steps} sigmas
 */
public record KarrasSchedule(double[] sigmas, double[] timesteps) {
  private static final double RHO = 7.0;

  public static KarrasSchedule of(double[] betas, int steps) {
    if (steps < 2) {
      throw new IllegalArgumentException("Sampler steps must be at least 2, got " + steps);
    }
    int n = betas.length;
    double[] logTrainSigmas = new double[n];
    double alphaBar = 1.0;
    for (int i = 0; i < n; i++) {
      alphaBar *= 1.0 - betas[i];
      logTrainSigmas[i] = Math.log(Math.sqrt((1.0 - alphaBar) / alphaBar));
    }
    double minRoot = Math.pow(Math.exp(logTrainSigmas[0]), 1.0 / RHO);
    double maxRoot = Math.pow(Math.exp(logTrainSigmas[n - 1]), 1.0 / RHO);
    double[] sigmas = new double[steps + 1];
    double[] timesteps = new double[steps];
    for (int i = 0; i < steps; i++) {
      double ramp = (double) i / (steps - 1);
      sigmas[i] = Math.pow(maxRoot + ramp * (minRoot - maxRoot), RHO);
      timesteps[i] = interpolateTimestep(Math.log(sigmas[i]), logTrainSigmas);
    }
    sigmas[steps] = 0.0;
    return new KarrasSchedule(sigmas, timesteps);
  }

  public int steps() {
    return timesteps.length;
  }

  /** numpy.interp(logSigma, logTrainSigmas, arange(n)): clamps outside the table. */
  private static double interpolateTimestep(double logSigma, double[] logTrainSigmas) {
    int n = logTrainSigmas.length;
    if (logSigma <= logTrainSigmas[0]) {
      return 0;
    }
    if (logSigma >= logTrainSigmas[n - 1]) {
      return n - 1;
    }
    int high = 1;
    while (logTrainSigmas[high] < logSigma) {
      high++;
    }
    double low = logTrainSigmas[high - 1];
    return high - 1 + (logSigma - low) / (logTrainSigmas[high] - low);
  }
}
