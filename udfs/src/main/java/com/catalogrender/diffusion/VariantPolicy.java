package com.catalogrender.diffusion;

import java.io.Serializable;

/**
 * Which UNet variant renders a row: the one rule that planning, the input hash and executors all
 * use. fp16 when the run is scheduled on GPUs; on the CPU fp32 for large renders (as the seed does
 * from 2048 px), else the configured CPU variant. A row without a size gets the CPU variant (it
 * fails validation anyway).
 */
public record VariantPolicy(Variant cpuVariant, int fullPrecisionMinSide) implements Serializable {
  public VariantPolicy {
    if (cpuVariant == Variant.FP16) {
      throw new IllegalArgumentException("The CPU variant must be int8 or fp32; fp16 needs a GPU");
    }
    if (fullPrecisionMinSide < 0) {
      throw new IllegalArgumentException(
          "full_precision_min_side must be positive (or auto), got " + fullPrecisionMinSide);
    }
  }

  /** Chooses a row's variant; the threshold must be decided (not 0, the model's) by now. */
  public Variant choose(Long width, Long height, boolean gpu) {
    if (fullPrecisionMinSide == 0) {
      throw new IllegalStateException("full_precision_min_side is still auto: decide it first");
    }
    if (gpu) {
      return Variant.FP16;
    }
    if (width == null || height == null) {
      return cpuVariant;
    }
    return Math.max(width, height) >= fullPrecisionMinSide ? Variant.FP32 : cpuVariant;
  }
}
