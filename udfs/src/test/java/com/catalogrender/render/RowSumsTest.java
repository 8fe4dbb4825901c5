package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.catalogrender.LocalSpark;
import com.catalogrender.measure.Stage;
import com.catalogrender.tables.RendersTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowSumsTest {
  @Test
  void wavesSummedOneByOneAddUpToTheRunsRows() {
    SparkSession spark = LocalSpark.builder("row sums test", 2).getOrCreate();
    try {
      StructType schema =
          new StructType()
              .add("wave", DataTypes.IntegerType)
              .add("status", DataTypes.StringType)
              .add("executor_id", DataTypes.StringType)
              .add("cost_eur", DataTypes.DoubleType)
              .add("adopted", DataTypes.BooleanType);
      for (Stage stage : Stage.values()) {
        schema = schema.add(RendersTable.secondsColumn(stage), DataTypes.DoubleType);
      }
      List<Row> rows = new ArrayList<>();
      // wave 0: two ok rows on executor 1 (one adopted), one failed on executor 2
      rows.add(row(0, "ok", "1", 0.5, true, 1.0));
      rows.add(row(0, "ok", "1", 0.25, false, 2.0));
      rows.add(row(0, "failed", "2", 0.125, false, null));
      // wave 1: one ok row on executor 2, one skipped by the budget (no executor)
      rows.add(row(1, "ok", "2", 1.0, false, 4.0));
      rows.add(row(1, "skipped_budget", null, 0.0, false, null));
      Dataset<Row> all = spark.createDataFrame(rows, schema);

      RowSums.OfWaves byWave = new RowSums.OfWaves(2);
      byWave.add(List.of(1), RowSums.of(all.where(col("wave").equalTo(1))));
      assertNull(byWave.whole(), "wave 0 not summed yet");
      byWave.add(List.of(0), RowSums.of(all.where(col("wave").equalTo(0))));
      RowSums summed = byWave.whole();
      assertNotNull(summed);

      assertEquals(3, summed.ok());
      assertEquals(1, summed.failed());
      assertEquals(1, summed.skippedBudget());
      assertEquals(Set.of("1", "2"), summed.executors());
      assertEquals(1.875, summed.eur(), 1e-12);
      assertEquals(1, summed.adopted());
      assertEquals(7.0, summed.seconds().get(Stage.UNET), 1e-12);
      assertEquals(0.0, summed.seconds().get(Stage.CAPTION), 1e-12);
      assertEquals(RowSums.of(all), summed);
    } finally {
      spark.stop();
    }
  }

  @Test
  void aWaveSummedTwiceOrReadFromTheTableLeavesNoSums() {
    RowSums one =
        new RowSums(1, 0, 0, Set.of("1"), 0.5, com.catalogrender.measure.StageValues.ZERO, 0);
    RowSums.OfWaves twice = new RowSums.OfWaves(2);
    twice.add(List.of(0), one);
    twice.add(List.of(0, 1), one);
    assertNull(twice.whole());

    RowSums.OfWaves missed = new RowSums.OfWaves(2);
    missed.add(List.of(0), one);
    missed.missed();
    assertNull(missed.whole());
  }

  private static Row row(
      int wave, String status, String executor, double eur, boolean adopted, Double unet) {
    List<Object> values = new ArrayList<>(List.of(wave, status));
    values.add(executor);
    values.add(eur);
    values.add(adopted);
    for (Stage stage : Stage.values()) {
      values.add(stage == Stage.UNET ? unet : stage == Stage.CAPTION ? null : 0.0);
    }
    return RowFactory.create(values.toArray());
  }
}
