package com.catalogrender.results;

import com.catalogrender.cost.CostEstimate;
import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of the {@code runs} table: the run's summary and what it ran with.
 *
 * @param config the run's settings with secrets redacted
 * @param rates the rates file's entries the run was costed with
 * @param modelFetch what executors fetched of a remote model directory
 * @param attempts Spark's record of the render's task attempts, and what the failed ones wasted
 * @param estimate what the run was estimated to cost before it rendered
 * @param adopted ok rows whose image a crashed run had uploaded, recorded without rendering
 * @param simulatedDeviceSeconds the simulated device seconds per batch of a scale run, null when
 *     the model rendered
 */
public record RunRecord(
    RunSummary summary,
    Timestamp startedAt,
    Timestamp endedAt,
    String catalog,
    String modelId,
    String modelVersion,
    String sparkMaster,
    String applicationId,
    String arguments,
    Map<String, String> config,
    Map<String, String> rates,
    ModelFetch modelFetch,
    Attempts attempts,
    CostEstimate estimate,
    long adopted,
    Double simulatedDeviceSeconds) {

  /** The estimated marginal EUR, or null when some row had no estimate. */
  public Double estimatedEur() {
    return estimate.complete() ? estimate.totalEur() : null;
  }

  /**
   * Remote model fetches by executors.
   *
   * @param fetches how many executors copied the model into their local cache in this run (0 for a
   *     local model directory or a warm cache)
   * @param seconds the seconds those copies took, summed
   * @param cacheBytes the size of the model's files in an executor's cache (0 when local)
   */
  public record ModelFetch(long fetches, double seconds, long cacheBytes) {}

  /**
   * The render's task attempts as Spark's listener saw them (not the pipeline's meters).
   *
   * @param attempts task attempts that ended
   * @param failed attempts that did not succeed (failed, killed, lost with their executor)
   * @param taskSeconds Spark's executor run time of every attempt
   * @param wastedSeconds the run time of attempts that produced no committed row
   * @param wastedEur those seconds at the task's device rate
   * @param wastedReasons Spark's reasons, counted, or null
   * @param allInEurPerRender (marginal + fixed + wasted EUR) per ok render, 0 when none
   */
  public record Attempts(
      long attempts,
      long failed,
      double taskSeconds,
      double wastedSeconds,
      double wastedEur,
      String wastedReasons,
      double allInEurPerRender) {}
}
