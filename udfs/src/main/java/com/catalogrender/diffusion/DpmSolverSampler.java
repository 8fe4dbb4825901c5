package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DPM-Solver++ 2M with Karras sigmas (diffusers' DPMSolverMultistepScheduler: dpmsolver++, order 2,
 * midpoint, final sigma 0): data prediction, first and last steps first order. Stateful across the
 * steps of one sampling run; create one per run.
 */
final class DpmSolverSampler {
  private final KarrasSchedule schedule;
  private final PipelineSpec.Prediction prediction;
  private NDArray previousDenoised;
  private double previousLambda;
  private int step;

  DpmSolverSampler(KarrasSchedule schedule, PipelineSpec.Prediction prediction) {
    this.schedule = schedule;
    this.prediction = prediction;
  }

  /** The UNet timestep to use for the current step. */
  double timestep() {
    return schedule.timesteps()[step];
  }

  boolean done() {
    return step >= schedule.steps();
  }

  /**
   * Advances {@code x} one step given the UNet's (guided) prediction at the current timestep: the
   * noise (epsilon) or the velocity (v_prediction, whose denoised estimate is alpha x - sigma v).
   * The result and the denoised estimate the next step needs are attached to {@code keep};
   * everything else stays in the manager of {@code x} (the caller's per-step scope), including the
   * previous step's denoised estimate, which is no longer needed.
   */
  NDArray step(NDArray x, NDArray epsilon, NDManager keep) {
    double s = schedule.sigmas()[step];
    double t = schedule.sigmas()[step + 1];
    double alphaS = 1.0 / Math.sqrt(s * s + 1.0);
    double sigmaS = s * alphaS;
    double lambdaS = Math.log(alphaS) - Math.log(sigmaS);
    NDArray denoised =
        prediction == PipelineSpec.Prediction.V_PREDICTION
            ? x.mul(alphaS).sub(epsilon.mul(sigmaS))
            : x.sub(epsilon.mul(sigmaS)).div(alphaS);
    NDArray next;
    if (t == 0.0) {
      next = denoised;
    } else {
      double alphaT = 1.0 / Math.sqrt(t * t + 1.0);
      double sigmaT = t * alphaT;
      double h = Math.log(alphaT) - Math.log(sigmaT) - lambdaS;
      double decay = alphaT * Math.expm1(-h);
      NDArray firstOrder = x.mul(sigmaT / sigmaS).sub(denoised.mul(decay));
      boolean lastStep = step == schedule.steps() - 1;
      if (previousDenoised == null || lastStep) {
        next = firstOrder;
      } else {
        double r0 = (lambdaS - previousLambda) / h;
        NDArray d1 = denoised.sub(previousDenoised).div(r0);
        next = firstOrder.sub(d1.mul(0.5 * decay));
      }
    }
    if (previousDenoised != null) {
      previousDenoised.attach(x.getManager());
    }
    denoised.attach(keep);
    previousDenoised = denoised;
    previousLambda = lambdaS;
    step++;
    if (next != denoised) {
      next.attach(keep);
    }
    return next;
  }
}
