package com.catalogrender.render;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import com.catalogrender.cost.CostEstimate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

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

  /**
   * The waves a run of {@code even} equal waves renders in: two small waves ahead of them, so the
   * first wave's captions (which the executors wait for) are few: waves of weight 1, 2, then 4
   * each, every one of them no bigger than one of the {@code even} waves. One wave stays one.
   */
  static int withRamp(int even) {
    return even < 2 ? even : even + 2;
  }

  /** Weight units over {@code waves} ramped waves (1, 2, then 4 each). */
  private static long weights(int waves) {
    return 4L * waves - 5;
  }

  /** Rows of the biggest of {@code waves} ramped waves over {@code rows} rows. */
  static long largestWave(long rows, int waves) {
    return waves < 3 ? ceilDivide(rows, Math.max(1, waves)) : ceilDivide(rows * 4, weights(waves));
  }

  /**
   * The wave, among {@code waves} ramped waves, of a row whose (category, prompt) hashes to {@code
   * hash}: all rows of a prompt share it, and the waves' shares are their weights.
   */
  static Column waveOf(Column hash, int waves) {
    if (waves < 3) {
      return pmod(hash, lit(waves)).cast(DataTypes.IntegerType);
    }
    Column slot = pmod(hash, lit(weights(waves)));
    return when(slot.lt(1), lit(0))
        .when(slot.lt(3), lit(1))
        .otherwise(floor(slot.minus(3).divide(4)).plus(2))
        .cast(DataTypes.IntegerType);
  }

  private static long ceilDivide(long a, long b) {
    return (a + b - 1) / b;
  }
}
