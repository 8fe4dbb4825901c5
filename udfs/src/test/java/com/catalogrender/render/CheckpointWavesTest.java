package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.LocalSpark;
import com.catalogrender.cost.CostEstimate;
import org.junit.jupiter.api.Test;

class CheckpointWavesTest {
  private static final CostEstimate.Target TARGET = new CostEstimate.Target("m", "1", "cpu");

  /** {@code rows} rows estimated at {@code secondsEach} executor seconds, {@code without} not. */
  private static CostEstimate estimate(long rows, double secondsEach, long without) {
    long estimated = rows - without;
    return new CostEstimate(
        TARGET, rows, estimated * 1e-6, estimated * secondsEach, estimated, 0, without);
  }

  @Test
  void rowsAloneWhenNothingIsEstimated() {
    assertEquals(3, CheckpointWaves.of(12_000, 5000, 600, estimate(12_000, 1, 12_000), 2));
    assertEquals(3, CheckpointWaves.of(12_000, 5000, 600, null, 2));
    assertEquals(1, CheckpointWaves.of(10, 5000, 600, estimate(10, 1, 0), 2));
  }

  @Test
  void secondsSplitALongRunIntoMoreWaves() {
    // 4,000 rows x 0.6 s on 2 slots = 1,200 s of wall time: two waves of 600 s
    assertEquals(2, CheckpointWaves.of(4000, 5000, 600, estimate(4000, 0.6, 0), 2));
    // the same on 8 slots: 300 s, one wave
    assertEquals(1, CheckpointWaves.of(4000, 5000, 600, estimate(4000, 0.6, 0), 8));
    // rows without an estimate count at the estimated rows' mean
    assertEquals(2, CheckpointWaves.of(4000, 5000, 600, estimate(4000, 0.6, 2000), 2));
  }

  @Test
  void zeroSecondsMeansRowsAlone() {
    assertEquals(1, CheckpointWaves.of(4000, 5000, 0, estimate(4000, 60, 0), 2));
  }

  @Test
  void neverMoreWavesThanRows() {
    assertEquals(3, CheckpointWaves.of(3, 5000, 1, estimate(3, 1000, 0), 1));
  }

  @Test
  void fourDoublingWavesGoFirstAndNoWaveOutgrowsAnEvenOne() {
    assertEquals(1, CheckpointWaves.withRamp(1));
    assertEquals(8, CheckpointWaves.withRamp(4));
    int waves = CheckpointWaves.withRamp(4);
    long rows = 790_000;
    org.apache.spark.sql.SparkSession spark =
        LocalSpark.builder("checkpoint waves test", 1).getOrCreate();
    try {
      java.util.Map<Integer, Long> perWave = new java.util.TreeMap<>();
      for (org.apache.spark.sql.Row row :
          spark
              .range(rows)
              .select(
                  CheckpointWaves.waveOf(
                          org.apache.spark.sql.functions.xxhash64(
                              org.apache.spark.sql.functions.col("id")),
                          waves)
                      .as("wave"))
              .groupBy("wave")
              .count()
              .collectAsList()) {
        perWave.put(row.getInt(0), row.getLong(1));
      }
      assertEquals(java.util.Set.of(0, 1, 2, 3, 4, 5, 6, 7), perWave.keySet(), perWave.toString());
      // weights 1, 2, 4, 8, 16, 16, 16, 16 of 79: 10,000, 20,000, 40,000, 80,000, then 160,000
      // rows each
      long[] expected = {10_000, 20_000, 40_000, 80_000};
      for (int wave = 0; wave < expected.length; wave++) {
        assertEquals(
            expected[wave], perWave.get(wave), 600 + expected[wave] / 50, perWave.toString());
      }
      for (int wave = expected.length; wave < waves; wave++) {
        assertEquals(160_000, perWave.get(wave), 3200, perWave.toString());
      }
      assertEquals(160_000, CheckpointWaves.largestWave(rows, waves));
      // never bigger than the even waves it replaces (790,000 / 4)
      assertTrue(CheckpointWaves.largestWave(rows, waves) <= 197_500);
    } finally {
      spark.stop();
    }
  }
}
