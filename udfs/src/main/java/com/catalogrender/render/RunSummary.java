package com.catalogrender.render;

/**
 * What a run did, as written to the {@code runs} table and printed at the end.
 *
 * @param contactSheet URI of the contact sheet PNG, or null when nothing rendered
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
    String contactSheet) {

  /** ok renders per second of the render phase. */
  public double rendersPerSecond() {
    return renderSeconds > 0 ? rowsOk / renderSeconds : 0;
  }
}
