package com.catalogrender.task;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What executors measure for the whole run, beside the rows: model loads and their seconds (fixed
 * costs), the devices' busy clocks (reconciled against the rows' device-seconds), and rows done
 * (progress), the embedding cache's hits, misses and failures, and remote model fetches.
 */
public record RunMeters(
    LongAccumulator modelLoads,
    DoubleAccumulator modelLoadSeconds,
    DeviceClockAccumulator deviceClocks,
    DoubleAccumulator taskSeconds,
    LongAccumulator rowsDone,
    LongAccumulator embeddingHits,
    LongAccumulator embeddingMisses,
    LongAccumulator embeddingFailures,
    DoubleAccumulator deviceWaitSeconds,
    CollectionAccumulator<Double> deviceBusySharePerTask,
    CollectionAccumulator<Integer> renderStages,
    ModelFetchMeters modelFetch)
    implements Serializable {

  /**
   * Remote model fetches: how many executors copied the model, their seconds, and the model's size
   * (every predictor adds it: the average is the size of the cached model).
   */
  public record ModelFetchMeters(
      LongAccumulator fetches, DoubleAccumulator seconds, LongAccumulator cacheBytes)
      implements Serializable {
    static ModelFetchMeters register(SparkContext context, String prefix) {
      return new ModelFetchMeters(
          context.longAccumulator(prefix + "model fetches"),
          context.doubleAccumulator(prefix + "model fetch seconds"),
          context.longAccumulator(prefix + "model cache bytes"));
    }
  }

  private static DeviceClockAccumulator deviceClocks(SparkContext context, String name) {
    DeviceClockAccumulator clocks = new DeviceClockAccumulator();
    context.register(clocks, name);
    return clocks;
  }

  public static RunMeters register(SparkContext context, String runId) {
    String prefix = "catalog-render " + runId + " ";
    return new RunMeters(
        context.longAccumulator(prefix + "model loads"),
        context.doubleAccumulator(prefix + "model load seconds"),
        deviceClocks(context, prefix + "device busy clocks"),
        context.doubleAccumulator(prefix + "task seconds"),
        context.longAccumulator(prefix + "rows done"),
        context.longAccumulator(prefix + "embedding cache hits"),
        context.longAccumulator(prefix + "embedding cache misses"),
        context.longAccumulator(prefix + "embedding cache failures"),
        context.doubleAccumulator(prefix + "device wait seconds"),
        context.collectionAccumulator(prefix + "device busy share per task"),
        context.collectionAccumulator(prefix + "render stages"),
        ModelFetchMeters.register(context, prefix));
  }
}
