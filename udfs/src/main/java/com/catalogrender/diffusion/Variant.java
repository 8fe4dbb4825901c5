package com.catalogrender.diffusion;

import java.util.Locale;

/**
 * Numeric variant of the UNet. PyTorch's int8 kernels (onednn, fbgemm, qnnpack) are CPU-only, so an
 * int8 TorchScript UNet cannot run on CUDA; on a GPU the fast path is {@link #FP16}.
 */
public enum Variant {
  INT8("unet_int8"),
  FP32("unet_fp32"),
  FP16("unet_fp16");

  private final String moduleName;

  Variant(String moduleName) {
    this.moduleName = moduleName;
  }

  public String moduleName() {
    return moduleName;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Variant parse(String text) {
    for (Variant variant : values()) {
      if (variant.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return variant;
      }
    }
    throw new IllegalArgumentException(
        "Unknown UNet variant: '" + text + "'. Use one of int8, fp32, fp16 (fp16 needs a GPU).");
  }
}
