package com.catalogrender.results;

import com.catalogrender.cost.FixedCosts;
import com.catalogrender.cost.Reconciliation;
import com.catalogrender.measure.DeviceClock;
import java.util.Map;

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
   * @param renderStageSeconds wall seconds the render tasks ran: per render stage (one per
   *     checkpoint wave), its first task's launch to its last task's end, summed
   * @param captionSeconds wall seconds from the first caption to the last (driver; they overlap the
   *     render waves)
   * @param captionWaitSeconds wall seconds the render waves waited for their captions (executors
   *     idle)
   * @param commitSeconds wall seconds of the waves outside their render stages: starting each
   *     wave's job, its Delta commit and the live images' merge (driver)
   * @param phaseSeconds the driver's wall seconds per labelled phase, up to recording the run
   * @param outsideRenderStageSeconds of {@link #driverSeconds}, the seconds per phase during which
   *     no render task ran (where the executors waited for the driver); recording the run is the
   *     phase {@code record run}
   * @param outsideRenderStageTasks per phase of {@code outsideRenderStageSeconds} (recording's
   *     remainder aside), what ran during those seconds
   * @param otherTaskSecondsDuringRenderStages slot-seconds of other stages' tasks while render
   *     tasks ran (merges beside the render, the Delta jobs of commits): slots the render did not
   *     get
   */
  public record Work(
      long executors,
      long modelLoads,
      double wallSeconds,
      double renderSeconds,
      double renderStageSeconds,
      double captionSeconds,
      double captionWaitSeconds,
      double commitSeconds,
      java.util.Map<String, Double> phaseSeconds,
      java.util.Map<String, Double> outsideRenderStageSeconds,
      java.util.Map<String, PhaseTasks> outsideRenderStageTasks,
      double otherTaskSecondsDuringRenderStages) {
    /** Everything but the render stages: planning, captions, commits, recording the run. */
    public double driverSeconds() {
      return Math.max(0, wallSeconds - renderStageSeconds);
    }
  }

  /**
   * What ran during a phase's seconds outside the render stages.
   *
   * @param noTaskSeconds seconds with no task of any stage running: the driver alone (Delta log
   *     reads and commits, planning and scheduling jobs, waiting on the gateway), which more
   *     executors would not shorten
   * @param otherTaskSeconds the other stages' task attempts (reading, shuffles, merges), launch to
   *     finish, summed: slot-seconds a cluster spreads over its task slots
   * @param longestOtherTaskSeconds those stages' longest attempts, summed: what the phase takes
   *     however many slots run them
   */
  public record PhaseTasks(
      double noTaskSeconds, double otherTaskSeconds, double longestOtherTaskSeconds) {
    public PhaseTasks plus(PhaseTasks other) {
      return new PhaseTasks(
          noTaskSeconds + other.noTaskSeconds,
          otherTaskSeconds + other.otherTaskSeconds,
          longestOtherTaskSeconds + other.longestOtherTaskSeconds);
    }
  }

  /**
   * Where the run wrote.
   *
   * @param contactSheet URI of the contact sheet PNG, or null when nothing rendered
   */
  public record Locations(String images, String renders, String runs, String contactSheet) {}

  /**
   * What the run cost, and how it reconciles with meters that are not the rows.
   *
   * @param marginalEur sum of the rows' cost_eur
   * @param fixed costs no row caused, by line (model loads, idle devices, the driver)
   * @param reconciliation the rows against the devices' busy clocks, the accounted task time
   *     against Spark's
   * @param devices each device's busy clock (busy and held seconds), by executor/device
   */
  public record CostFigures(
      double marginalEur,
      FixedCosts fixed,
      Reconciliation reconciliation,
      Map<String, DeviceClock.Reading> devices) {
    public static final CostFigures NONE = marginalOnly(0);

    public CostFigures {
      devices = Map.copyOf(devices);
    }

    /** An estimate's figures: marginal EUR only. */
    public static CostFigures marginalOnly(double marginalEur) {
      return new CostFigures(marginalEur, FixedCosts.NONE, Reconciliation.NONE, Map.of());
    }

    public double fixedEur() {
      return fixed.totalEur();
    }

    public double modelLoadSeconds() {
      return fixed.modelLoadSeconds();
    }

    public double idleSeconds() {
      return fixed.idleSeconds();
    }

    /** Sum of the rows' text encoder, UNet and VAE seconds. */
    public double deviceSecondsRows() {
      return reconciliation.deviceSecondsRows();
    }

    /** The devices' busy clocks, summed. */
    public double deviceSecondsMeasured() {
      return reconciliation.deviceSecondsClocks();
    }
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

  /** Rows' device-seconds relative to the devices' busy clocks (1.0 = they agree). */
  public double reconciliation() {
    return costs.reconciliation().deviceAgreement();
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
