package com.catalogrender.render;

import com.catalogrender.cost.CostEstimate;

/**
 * What a run did, as written to the {@code runs} table and printed at the end.
 *
 * @param contactSheet URI of the contact sheet PNG, or null when nothing rendered
 * @param marginalCostEur sum of the rows' cost_eur
 * @param fixedCostEur costs no row caused: model loading, and executor time no row accounts for
 * @param deviceSecondsRows sum of the rows' text encoder, UNet and VAE seconds
 * @param deviceSecondsMeasured the same stages as the executors measured them per batch
 * @param rowsSkippedBudget rows left for a later run because the budget was spent (in a dry run:
 *     the rows that would render)
 * @param budgetEur the run's budget, 0 for none
 * @param budgetSpentEur what the budget ledger recorded as spent
 */
public record RunSummary(
    String runId,
    long rowsTotal,
    long rowsOk,
    long rowsFailed,
    long rowsSkipped,
    long executors,
    long modelLoads,
    double wallSeconds,
    double renderSeconds,
    String images,
    String renders,
    String runs,
    String contactSheet,
    double marginalCostEur,
    double fixedCostEur,
    double deviceSecondsRows,
    double deviceSecondsMeasured,
    long rowsSkippedBudget,
    double budgetEur,
    double budgetSpentEur,
    CacheFigures caches,
    ClusterFigures cluster) {

  /**
   * How the run used its executors and devices.
   *
   * @param executorsLost executors removed while the run rendered
   * @param executorsLostReasons Spark's reason for each
   * @param deviceBusyShare mean over tasks of device-seconds / task wall seconds (1.0: the device
   *     never waited for input, post-processing or uploads)
   * @param deviceBusyShareMin the lowest task's share
   * @param deviceWaitSeconds seconds tasks waited for a device slot (device_concurrent_tasks)
   */
  public record ClusterFigures(
      long executorsLost,
      String executorsLostReasons,
      double deviceBusyShare,
      double deviceBusyShareMin,
      double deviceWaitSeconds) {
    public static final ClusterFigures NONE = new ClusterFigures(0, null, 0, 0, 0);
  }

  /**
   * What the caption phase and the embedding cache did in this run.
   *
   * @param captionRewriter template or gateway
   * @param captionDistinct distinct (category, prompt) pairs rewritten
   * @param captionRewrites rewrites done (= distinct with dedupe, = rows without)
   * @param captionRequests HTTP requests sent to the gateway, retries included
   * @param captionGatewayAnswers rewrites the gateway answered (from a model or its cache)
   * @param captionCacheHits answers from the gateway's semantic cache
   * @param captionFallbacks rewrites that fell back to the template
   * @param captionBypassed distinct prompts of long-tail categories that bypassed the cache
   * @param captionApiEur what the gateway calls cost
   * @param embeddingCache where text embeddings were cached (off, memory, redis://host:port/db)
   * @param embeddingHits rendered rows whose embedding came from the cache
   * @param embeddingMisses rendered rows whose embedding the encoder computed
   * @param embeddingFailures cache reads or writes that failed (the rows rendered anyway)
   */
  public record CacheFigures(
      String captionRewriter,
      long captionDistinct,
      long captionRewrites,
      long captionRequests,
      long captionGatewayAnswers,
      long captionCacheHits,
      long captionFallbacks,
      long captionBypassed,
      double captionApiEur,
      String embeddingCache,
      long embeddingHits,
      long embeddingMisses,
      long embeddingFailures) {
    public static final CacheFigures NONE =
        new CacheFigures("template", 0, 0, 0, 0, 0, 0, 0, 0, "off", 0, 0, 0);

    /** Share of gateway answers served from its cache, or null when the gateway answered none. */
    public Double captionCacheHitRate() {
      return captionGatewayAnswers == 0 ? null : (double) captionCacheHits / captionGatewayAnswers;
    }

    /** Share of rendered rows whose text embedding was cached, or null when none rendered. */
    public Double embeddingHitRate() {
      long all = embeddingHits + embeddingMisses;
      return all == 0 ? null : (double) embeddingHits / all;
    }
  }

  /** What a dry run reports: rows that would render and their estimated cost, nothing rendered. */
  static RunSummary dryRun(
      String runId,
      long total,
      long toRender,
      long skipped,
      CostEstimate estimate,
      RenderConfig config) {
    return new RunSummary(
        runId,
        total,
        0,
        0,
        skipped,
        0,
        0,
        0,
        0,
        config.images(),
        config.rendersPath(),
        config.runsPath(),
        null,
        estimate.totalEur(),
        0,
        0,
        0,
        toRender,
        0,
        0,
        CacheFigures.NONE,
        ClusterFigures.NONE);
  }

  /** Mean marginal cost of an ok render, EUR. */
  public double costPerRenderEur() {
    return rowsOk > 0 ? marginalCostEur / rowsOk : 0;
  }

  /** Rows' device-seconds relative to what the executors measured (1.0 = they agree). */
  public double reconciliation() {
    return deviceSecondsMeasured > 0 ? deviceSecondsRows / deviceSecondsMeasured : 1.0;
  }

  /** ok renders per second of the render phase. */
  public double rendersPerSecond() {
    return renderSeconds > 0 ? rowsOk / renderSeconds : 0;
  }
}
