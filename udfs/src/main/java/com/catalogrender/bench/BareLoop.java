package com.catalogrender.bench;

import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.runtime.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The physical limit a render job is measured against: the same model, variant, batch size, steps
 * and device, in {@code threads} plain threads (as many as the job's task slots), each with its own
 * predictor, rendering the same prompts at the model's native size: no Spark, no caches, no
 * captions API, no post-processing, no IO.
 */
public final class BareLoop {
  private BareLoop() {}

  /** Renders {@code rows} images; returns renders per second. */
  public static double rendersPerSecond(
      Path modelDirectory,
      Variant variant,
      int rows,
      int stems,
      int batchSize,
      int steps,
      double guidance,
      int threads)
      throws Exception {
    DiffusionModel model =
        ModelRegistry.executorWide().get(modelDirectory, variant, ComputeDevice.CPU);
    TemplateCaptionRewriter template = new TemplateCaptionRewriter();
    List<List<RenderRequest>> batches = new ArrayList<>();
    for (int start = 0; start < rows; start += batchSize) {
      List<RenderRequest> batch = new ArrayList<>();
      for (int i = start; i < Math.min(rows, start + batchSize); i++) {
        int stem = i % stems;
        batch.add(
            new RenderRequest(
                template.caption(BenchCatalog.category(stem), BenchCatalog.prompt(stem)),
                7000L + i));
      }
      batches.add(batch);
    }
    SamplingOptions options = new SamplingOptions(steps, guidance);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        futures.add(
            pool.submit(
                () -> {
                  try (DiffusionPredictor predictor = model.newPredictor()) {
                    for (int b = first; b < batches.size(); b += threads) {
                      predictor.render(batches.get(b), options);
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
