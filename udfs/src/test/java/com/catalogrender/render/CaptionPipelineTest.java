package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.LocalSpark;
import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.cost.TestRates;
import com.catalogrender.measure.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CaptionPipelineTest {
  @Test
  void theFirstWavesPromptsAreFoundAloneAndTheRestAfterTheirHook() throws Exception {
    SparkSession spark = LocalSpark.builder("caption pipeline test", 2).getOrCreate();
    try {
      StructType schema =
          new StructType()
              .add("sku", DataTypes.StringType)
              .add("category", DataTypes.StringType)
              .add("prompt", DataTypes.StringType)
              .add("wave", DataTypes.IntegerType);
      List<Row> rows = new ArrayList<>();
      // wave 0: p (2 rows); wave 1: q (1 row), r (3 rows); wave 2: s (1 row)
      rows.add(RowFactory.create("A0", "mugs", "a red mug", 0));
      rows.add(RowFactory.create("A1", "mugs", "a red mug", 0));
      rows.add(RowFactory.create("B0", "lamps", "a blue lamp", 1));
      for (int i = 0; i < 3; i++) {
        rows.add(RowFactory.create("C" + i, "mugs", "a green mug", 1));
      }
      rows.add(RowFactory.create("D0", "chairs", "a yellow chair", 2));
      Dataset<Row> input = spark.createDataFrame(rows, schema).repartition(2);
      List<String> poolOfEachJob = java.util.Collections.synchronizedList(new ArrayList<>());
      spark
          .sparkContext()
          .addSparkListener(
              new org.apache.spark.scheduler.SparkListener() {
                @Override
                public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
                  poolOfEachJob.add(
                      String.valueOf(job.properties().getProperty("spark.scheduler.pool")));
                }
              });
      CaptionPhase phase =
          new CaptionPhase(
              CaptionSettings.TEMPLATE_DEFAULT,
              new TemplateCaptionRewriter(),
              TestRates.of(),
              Ticker.fixedStep(0.001));
      List<Map<String, Long>> byWave = new ArrayList<>();
      try (CaptionPhase.Pipeline pipeline =
          phase.start(
              spark,
              input,
              col("wave"),
              3,
              1,
              Map.of("mugs", 5L, "lamps", 1L, "chairs", 1L),
              () -> spark.sparkContext().setLocalProperty("spark.scheduler.pool", "beside"),
              "test captions")) {
        for (int wave = 0; wave < 3; wave++) {
          Map<String, Long> prompts = new TreeMap<>();
          for (Row caption : pipeline.await(wave).collectAsList()) {
            prompts.put(
                caption.<String>getAs("caption_prompt"), caption.<Long>getAs("caption_rows"));
          }
          byWave.add(prompts);
        }
      }
      assertEquals(
          List.of(
              Map.of("a red mug", 2L),
              Map.of("a blue lamp", 1L, "a green mug", 3L),
              Map.of("a yellow chair", 1L)),
          byWave);
      // the first wave's prompts by one job before the hook, the rest's by a job after it
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      // (each a few Spark jobs: adaptive execution runs the aggregation's shuffle as a job)
      int firstBeside = poolOfEachJob.indexOf("beside");
      assertTrue(firstBeside > 0, poolOfEachJob::toString);
      assertEquals(
          java.util.Collections.nCopies(firstBeside, "null"),
          poolOfEachJob.subList(0, firstBeside));
      assertEquals(
          java.util.Collections.nCopies(poolOfEachJob.size() - firstBeside, "beside"),
          poolOfEachJob.subList(firstBeside, poolOfEachJob.size()));
    } finally {
      spark.stop();
    }
  }
}
