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
   * Doublings before the even waves: the first wave holds 1/16 of an even one (5,000 rows a wave:
   * about 310 rows, 90 distinct prompts at 30%, two rounds of 64 gateway requests), so the
   * executors wait for few captions before the first render. With two (1/4 of a wave: 370 prompts
   * at 3x10^5 rows) they waited 1.0 s after the first waves' prompts were found, six rounds.
   */
  static final int RAMP = 4;

  /** Weight units of an even wave ({@code 2^RAMP}); the ramp's waves weigh 1, 2, 4, ... */
  private static final long EVEN_WEIGHT = 1L << RAMP;

  /**
   * The waves a run of {@code even} equal waves renders in: {@link #RAMP} small waves ahead of
   * them, doubling from the first, so the first wave's captions (which the executors wait for) are
   * few and the gateway keeps ahead of the render: waves of weight 1, 2, 4, 8, then 16 each, every
   * one of them no bigger than one of the {@code even} waves. One wave stays one.
   */
  static int withRamp(int even) {
    return even < 2 ? even : even + RAMP;
  }

  /** Weight units over {@code waves} ramped waves (1, 2, 4, 8, then 16 each). */
  private static long weights(int waves) {
    return EVEN_WEIGHT * (waves - RAMP) + EVEN_WEIGHT - 1;
  }

  /** Rows of the biggest of {@code waves} ramped waves over {@code rows} rows. */
  static long largestWave(long rows, int waves) {
    return waves <= RAMP
        ? ceilDivide(rows, Math.max(1, waves))
        : ceilDivide(rows * EVEN_WEIGHT, weights(waves));
  }

  /**
   * The wave, among {@code waves} ramped waves, of a row whose (category, prompt) hashes to {@code
   * hash}: all rows of a prompt share it, and the waves' shares are their weights.
   */
  static Column waveOf(Column hash, int waves) {
    if (waves <= RAMP) {
      return pmod(hash, lit(waves)).cast(DataTypes.IntegerType);
    }
    Column slot = pmod(hash, lit(weights(waves)));
    Column wave = when(slot.lt(1), lit(0));
    for (int ramp = 1; ramp < RAMP; ramp++) {
      wave = wave.when(slot.lt((1L << (ramp + 1)) - 1), lit(ramp));
    }
    return wave.otherwise(floor(slot.minus(EVEN_WEIGHT - 1).divide(EVEN_WEIGHT)).plus(RAMP))
        .cast(DataTypes.IntegerType);
  }

  private static long ceilDivide(long a, long b) {
    return (a + b - 1) / b;
  }
}
