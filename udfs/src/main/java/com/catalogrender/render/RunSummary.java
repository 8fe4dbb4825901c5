package com.catalogrender.render;

/**
 * What a run did, as written to the {@code runs} table and printed at the end.
 *
 * @param contactSheet URI of the contact sheet PNG, or null when nothing rendered
 * @param marginalCostEur sum of the rows' cost_eur
 * @param fixedCostEur costs no row caused: model loading, and executor time no row accounts for
 * @param deviceSecondsRows sum of the rows' text encoder, UNet and VAE seconds
 * @param deviceSecondsMeasured the same stages as the executors measured them per batch
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
    double deviceSecondsMeasured) {

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
