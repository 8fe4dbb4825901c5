package com.catalogrender.render;

import com.catalogrender.cost.CostEstimate;

/**
 * How many checkpoint waves a run's rows render in: enough that no wave has more than {@code
 * checkpoint_rows} rows, and, when the run's estimate knows the rows' seconds, enough that no wave
 * takes longer than about {@code checkpoint_seconds} of wall time on the cluster's task slots. A
 * driver that dies loses at most one wave, so this bounds both the rows and the minutes at risk.
 */
final class CheckpointWaves {
  private CheckpointWaves() {}

  /**
   * @param rows rows to render
   * @param checkpointRows most rows per wave
   * @param checkpointSeconds most estimated wall seconds per wave (0: rows alone decide)
   * @param estimate the run's estimate (rows without one are assumed to take the estimated rows'
   *     mean; with no row estimated, rows alone decide)
   * @param taskSlots tasks that render at once
   */
  static int of(
      long rows, int checkpointRows, int checkpointSeconds, CostEstimate estimate, int taskSlots) {
    long byRows = Math.max(1, ceilDivide(rows, checkpointRows));
    long estimated = estimate == null ? 0 : estimate.rows() - estimate.withoutEstimate();
    if (checkpointSeconds <= 0 || estimated <= 0 || rows == 0) {
      return (int) Math.min(Integer.MAX_VALUE, byRows);
    }
    double secondsPerRender = estimate.totalSeconds() / estimated;
    double wallSeconds = rows * secondsPerRender / Math.max(1, taskSlots);
    long bySeconds = (long) Math.ceil(wallSeconds / checkpointSeconds);
    // never a wave smaller than one row
    return (int) Math.min(Math.min(Integer.MAX_VALUE, rows), Math.max(byRows, bySeconds));
  }

  private static long ceilDivide(long a, long b) {
    return (a + b - 1) / b;
  }
}
