package com.catalogrender.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.catalogrender.LocalSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CostEstimateTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        LocalSpark.builder("cost estimate test", 1)
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static final StructType TODO =
      new StructType()
          .add("category", DataTypes.StringType)
          .add("planned_variant", DataTypes.StringType)
          .add("width", DataTypes.LongType)
          .add("height", DataTypes.LongType);

  private static final StructType HISTORY =
      new StructType()
          .add("status", DataTypes.StringType)
          .add("model_id", DataTypes.StringType)
          .add("model_version", DataTypes.StringType)
          .add("category", DataTypes.StringType)
          .add("variant", DataTypes.StringType)
          .add("width", DataTypes.LongType)
          .add("height", DataTypes.LongType)
          .add("cost_eur", DataTypes.DoubleType)
          .add("executor_seconds", DataTypes.DoubleType);

  private static Row todo(String category, long width) {
    return RowFactory.create(category, "int8", width, width);
  }

  private static Row history(String category, long width, double eur, double seconds) {
    return RowFactory.create("ok", "m", "1", category, "int8", width, width, eur, seconds);
  }

  @Test
  void rowsCountPerGroupAndEachTakesItsOwnGroupsMean() {
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                todo("mugs", 64),
                todo("mugs", 64),
                todo("mugs", 64),
                todo("lamps", 64),
                todo("lamps", 128),
                todo(null, 64)),
            TODO);
    Dataset<Row> past =
        spark.createDataFrame(
            List.of(
                history("mugs", 64, 0.010, 1.0),
                history("mugs", 64, 0.030, 3.0),
                history("lamps", 64, 0.050, 5.0),
                // another model's render: not used
                RowFactory.create("ok", "other", "1", "mugs", "int8", 64L, 64L, 9.0, 90.0)),
            HISTORY);
    CostEstimate estimate =
        CostEstimate.of(rows, past, null, new CostEstimate.Target("m", "1", "cpu"));
    // mugs 64: 3 rows at their mean 0.02; lamps 64: 1 row at 0.05; the row without a category
    // takes the size's mean over every category (0.03, 3 s); lamps 128: no history, no estimate
    assertEquals(6, estimate.rows());
    assertEquals(5, estimate.fromHistory());
    assertEquals(1, estimate.withoutEstimate());
    assertEquals(3 * 0.02 + 0.05 + 0.03, estimate.totalEur(), 1e-12);
    assertEquals(3 * 2.0 + 5.0 + 3.0, estimate.totalSeconds(), 1e-9);
  }

  @Test
  void noRowsNoEstimate() {
    CostEstimate estimate =
        CostEstimate.of(
            spark.createDataFrame(List.of(), TODO),
            null,
            null,
            new CostEstimate.Target("m", "1", "cpu"));
    assertEquals(0, estimate.rows());
    assertEquals(0, estimate.totalEur(), 0);
  }
}
