package com.catalogrender.task;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What executors measure for the whole run, beside the rows: model loads and their seconds (fixed
 * costs), device-seconds measured per batch (reconciled against the rows' device-seconds), and rows
 * done (progress), the embedding cache's hits, misses and failures, and remote model fetches.
 */
public record RunMeters(
    LongAccumulator modelLoads,
    DoubleAccumulator modelLoadSeconds,
    DoubleAccumulator deviceSeconds,
    DoubleAccumulator taskSeconds,
    LongAccumulator rowsDone,
    LongAccumulator embeddingHits,
    LongAccumulator embeddingMisses,
    LongAccumulator embeddingFailures,
    DoubleAccumulator deviceWaitSeconds,
    CollectionAccumulator<Double> deviceBusySharePerTask,
    DoubleAccumulator modelFetchSeconds,
    LongAccumulator modelFetches,
    LongAccumulator modelCacheBytes)
    implements Serializable {

  public static RunMeters register(SparkContext context, String runId) {
    return new RunMeters(
        context.longAccumulator("catalog-render " + runId + " model loads"),
        context.doubleAccumulator("catalog-render " + runId + " model load seconds"),
        context.doubleAccumulator("catalog-render " + runId + " device seconds measured"),
        context.doubleAccumulator("catalog-render " + runId + " task seconds"),
        context.longAccumulator("catalog-render " + runId + " rows done"),
        context.longAccumulator("catalog-render " + runId + " embedding cache hits"),
        context.longAccumulator("catalog-render " + runId + " embedding cache misses"),
        context.longAccumulator("catalog-render " + runId + " embedding cache failures"),
        context.doubleAccumulator("catalog-render " + runId + " device wait seconds"),
        context.collectionAccumulator("catalog-render " + runId + " device busy share per task"),
        context.doubleAccumulator("catalog-render " + runId + " model fetch seconds"),
        context.longAccumulator("catalog-render " + runId + " model fetches"),
        // every predictor adds the model's size: its average is the size of the cached model
        context.longAccumulator("catalog-render " + runId + " model cache bytes"));
  }
}
