package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ComputeDeviceAndVariantTest {
  @Test
  void parsesDevices() {
    assertEquals(ComputeDevice.CPU, ComputeDevice.parse(" CPU "));
    assertEquals(ComputeDevice.cuda(1), ComputeDevice.parse("cuda:1"));
    assertEquals(ComputeDevice.cuda(0), ComputeDevice.parse("gpu:0"));
    assertEquals("cuda:3", ComputeDevice.cuda(3).toString());
  }

  @Test
  void rejectsUnknownDevicesWithTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("tpu:0"));
    assertEquals(
        "Unknown device: 'tpu:0'. Use cpu or cuda:N (N = CUDA device index).", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("cuda:x"));
    assertThrows(IllegalArgumentException.class, () -> ComputeDevice.cuda(-1));
  }

  @Test
  void parsesVariants() {
    assertEquals(Variant.INT8, Variant.parse("INT8"));
    assertEquals("unet_fp16", Variant.parse("fp16").moduleName());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Variant.parse("int4"));
    assertEquals(
        "Unknown UNet variant: 'int4'. Use one of int8, fp32, fp16 (fp16 needs a GPU).",
        e.getMessage());
  }

  @Test
  void int8IsCpuOnlyAndFp16IsCudaOnly() {
    IllegalArgumentException int8 =
        assertThrows(
            IllegalArgumentException.class,
            () -> DiffusionModel.checkVariantFitsDevice(Variant.INT8, ComputeDevice.cuda(0)));
    assertEquals(
        "The int8 UNet runs on CPU only (PyTorch's int8 kernels are CPU kernels); on cuda:0 use variant fp16.",
        int8.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> DiffusionModel.checkVariantFitsDevice(Variant.FP16, ComputeDevice.CPU));
    DiffusionModel.checkVariantFitsDevice(Variant.FP32, ComputeDevice.cuda(0));
    DiffusionModel.checkVariantFitsDevice(Variant.FP32, ComputeDevice.CPU);
  }

  @Test
  void samplingOptionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 4.0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(25, 0.5));
    assertEquals("Guidance scale must be in [1, 50], got 0.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(25, Double.NaN));
  }
}
