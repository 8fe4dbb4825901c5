package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Times one sampler step's UNet call (the doubled classifier-free-guidance batch) on a loaded
 * model, for benchmarks: random inputs of the right shapes, warm-up calls first, the device
 * synchronised before the clock stops.
 */
public final class UnetTimer {
  private UnetTimer() {}

  /** Mean milliseconds of one UNet call for {@code images} images (UNet batch 2 x images). */
  public static double millisPerStep(DiffusionModel model, int images, int warmup, int repeats) {
    ModelManifest manifest = model.manifest();
    try (NDManager manager = NDManager.newBaseManager(model.device().toDjl(), "PyTorch")) {
      DataType type = model.variant() == Variant.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
      NDArray sample =
          manager
              .randomNormal(
                  new Shape(
                      2L * images,
                      manifest.latentChannels(),
                      manifest.latentSize(),
                      manifest.latentSize()))
              .toType(type, false);
      NDArray timestep = manager.full(new Shape(2L * images), 500f);
      NDArray context =
          manager
              .randomNormal(new Shape(2L * images, manifest.maxTokens(), manifest.textHiddenSize()))
              .toType(type, false);
      int pooled = manifest.pipeline().pooledSize();
      NDList added =
          pooled == 0
              ? new NDList()
              : model.addedConditioning(
                  manager.randomNormal(new Shape(2L * images, pooled)).toType(type, false));
      for (int i = 0; i < warmup; i++) {
        call(model, manager, sample, timestep, context, added);
      }
      long start = System.nanoTime();
      for (int i = 0; i < repeats; i++) {
        call(model, manager, sample, timestep, context, added);
      }
      return (System.nanoTime() - start) / 1e6 / repeats;
    }
  }

  private static void call(
      DiffusionModel model,
      NDManager manager,
      NDArray sample,
      NDArray timestep,
      NDArray context,
      NDList added) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray out = model.unet(sample, timestep, context, added);
      out.attach(scope);
      out.get(0).sum().getFloat(); // waits for the device
    }
  }
}
