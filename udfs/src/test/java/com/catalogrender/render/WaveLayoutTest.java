package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.catalogrender.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class WaveLayoutTest {
  @Test
  void eachWaveReadsOnlyItsRowsInBatchesDealtOverItsTasks() {
    SparkSession spark = LocalSpark.builder("wave layout test", 2).getOrCreate();
    try {
      StructType schema =
          new StructType()
              .add("sku", DataTypes.StringType)
              .add("category", DataTypes.StringType)
              .add("prompt", DataTypes.StringType)
              .add("input_hash", DataTypes.StringType)
              .add("wave", DataTypes.IntegerType);
      List<Row> rows = new ArrayList<>();
      // wave 0: 7 rows over 2 prompts; wave 1: 2 rows; wave 2: none
      for (int i = 0; i < 7; i++) {
        rows.add(
            RowFactory.create("A" + i, "mugs", "p" + (i % 2), String.format("h%02d", 20 - i), 0));
      }
      rows.add(RowFactory.create("B0", "lamps", "q", "h50", 1));
      rows.add(RowFactory.create("B1", "lamps", "q", "h40", 1));
      Dataset<Row> input = spark.createDataFrame(rows, schema).repartition(3);
      Dataset<Row> captions =
          spark.createDataFrame(
              List.of(
                  RowFactory.create("mugs", "p0", "a mug"),
                  RowFactory.create("mugs", "p1", "another mug")),
              new StructType()
                  .add("caption_category", DataTypes.StringType)
                  .add("caption_prompt", DataTypes.StringType)
                  .add("caption", DataTypes.StringType));
      WaveLayout layout = WaveLayout.of(input, "wave", 3, 2, 2);

      Dataset<Row> wave0 = layout.waveRows(spark, 0);
      // fingerprint order h14..h20 = A6..A0; batches of 2 dealt to tasks 0,1,0,1
      List<List<String>> tasks = wave0.javaRDD().map(r -> r.<String>getAs("sku")).glom().collect();
      assertEquals(List.of(List.of("A6", "A5", "A2", "A1"), List.of("A4", "A3", "A0")), tasks);
      // the rank among a prompt's rows, in SKU order: A0, A2, A4, A6 share p0
      assertEquals(
          List.of(0L, 1L, 2L, 3L),
          wave0
              .where("prompt = 'p0'")
              .orderBy("sku")
              .javaRDD()
              .map(r -> r.<Long>getAs("caption_rank"))
              .collect());
      List<List<String>> wave1 =
          layout.waveRows(spark, 1).javaRDD().map(r -> r.<String>getAs("sku")).glom().collect();
      assertEquals(List.of(List.of("B1", "B0"), List.of()), wave1);
      assertEquals(0, layout.waveRows(spark, 2).count());
      assertEquals(2, layout.waveRows(spark, 2).javaRDD().getNumPartitions());

      // the later waves laid out alone: the same tasks, batches and ranks, from their rows only
      WaveLayout later = WaveLayout.of(input, "wave", 1, 3, 2, 2);
      assertEquals(
          wave1,
          later.waveRows(spark, 1).javaRDD().map(r -> r.<String>getAs("sku")).glom().collect());
      assertEquals(
          List.of(0L, 1L),
          later
              .waveRows(spark, 1)
              .orderBy("sku")
              .javaRDD()
              .map(r -> r.<Long>getAs("caption_rank"))
              .collect());
      assertEquals(2, later.waveRows(spark, 2).javaRDD().getNumPartitions());
      WaveLayout first = WaveLayout.of(input, "wave", 0, 1, 2, 2);
      assertEquals(
          tasks,
          first.waveRows(spark, 0).javaRDD().map(r -> r.<String>getAs("sku")).glom().collect());
      IllegalArgumentException outside =
          assertThrows(IllegalArgumentException.class, () -> first.waveRows(spark, 1));
      assertEquals("Wave 1 is not laid out here (waves 0 to 0)", outside.getMessage());
    } finally {
      spark.stop();
    }
  }
}
