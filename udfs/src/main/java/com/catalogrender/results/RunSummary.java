package com.catalogrender.results;

/**
 * What a run did, as written to the {@code runs} table and printed at the end.
 *
 * @param rows what became of the catalog's rows
 * @param work wall time, executors and model loads
 * @param locations where the images and tables are
 * @param costs marginal and fixed EUR, and the device-seconds reconciliation
 * @param budget the run's budget and what it recorded as spent
 * @param captions what the caption phase did
 * @param embeddings what the text-embedding cache did
 */
public record RunSummary(
    String runId,
    RowCounts rows,
    Work work,
    Locations locations,
    CostFigures costs,
    BudgetFigures budget,
    CaptionFigures captions,
    EmbeddingFigures embeddings,
    ClusterFigures cluster) {

  /**
   * Rows of the catalog by outcome.
   *
   * @param skipped rows not rendered because an ok render with the same inputs exists
   * @param skippedBudget rows left for a later run because the budget was spent (in a dry run: the
   *     rows that would render)
   */
  public record RowCounts(long total, long ok, long failed, long skipped, long skippedBudget) {}

  /**
   * Time and resources of the run.
   *
   * @param renderSeconds wall seconds of the caption and render phases
   */
  public record Work(long executors, long modelLoads, double wallSeconds, double renderSeconds) {}

  /**
   * Where the run wrote.
   *
   * @param contactSheet URI of the contact sheet PNG, or null when nothing rendered
   */
  public record Locations(String images, String renders, String runs, String contactSheet) {}

  /**
   * What the run cost.
   *
   * @param marginalEur sum of the rows' cost_eur
   * @param fixedEur costs no row caused: model loading, and executor time no row accounts for
   * @param modelLoadSeconds seconds executors spent loading models
   * @param idleSeconds task seconds no row accounts for
   * @param deviceSecondsRows sum of the rows' text encoder, UNet and VAE seconds
   * @param deviceSecondsMeasured the same stages as the executors measured them per batch
   */
  public record CostFigures(
      double marginalEur,
      double fixedEur,
      double modelLoadSeconds,
      double idleSeconds,
      double deviceSecondsRows,
      double deviceSecondsMeasured) {
    public static final CostFigures NONE = new CostFigures(0, 0, 0, 0, 0, 0);
  }

  /** The run's budget (0 for none) and what its ledger recorded as spent. */
  public record BudgetFigures(double budgetEur, double spentEur) {}

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

  /** Mean marginal cost of an ok render, EUR. */
  public double costPerRenderEur() {
    return rows.ok() > 0 ? costs.marginalEur() / rows.ok() : 0;
  }

  /** Rows' device-seconds relative to what the executors measured (1.0 = they agree). */
  public double reconciliation() {
    return costs.deviceSecondsMeasured() > 0
        ? costs.deviceSecondsRows() / costs.deviceSecondsMeasured()
        : 1.0;
  }

  /** ok renders per second of the render phase. */
  public double rendersPerSecond() {
    return work.renderSeconds() > 0 ? rows.ok() / work.renderSeconds() : 0;
  }

  public long rowsTotal() {
    return rows.total();
  }

  public long rowsOk() {
    return rows.ok();
  }

  public long rowsFailed() {
    return rows.failed();
  }
}
