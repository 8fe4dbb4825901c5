package com.catalogrender.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import com.catalogrender.cost.SizeBucket;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code calibration} Delta table: per model (id and version), variant, device class and size
 * bucket, what one render cost in a calibration run: the median executor seconds and marginal EUR
 * (its stages at the rates of that run, without the caption, which depends on the rewriter).
 * Estimates read the latest row of each key.
 */
public final class CalibrationTable {
  /** Version 1: the columns of tables created before versions were recorded. */
  public static final VersionedSchema VERSIONED =
      VersionedSchema.of(
          "calibration",
          1,
          new StructType()
              .add("model_id", DataTypes.StringType)
              .add("model_version", DataTypes.StringType)
              .add("variant", DataTypes.StringType)
              .add("device_class", DataTypes.StringType)
              .add("size_bucket", DataTypes.StringType)
              .add("renders", DataTypes.LongType)
              .add("seconds_per_render", DataTypes.DoubleType)
              .add("eur_per_render", DataTypes.DoubleType)
              .add("steps", DataTypes.IntegerType)
              .add("batch_size", DataTypes.IntegerType)
              .add("calibrated_at", DataTypes.TimestampType)
              .add("run_id", DataTypes.StringType));

  private CalibrationTable() {}

  /**
   * Appends the summary of a calibration run's ok renders to the table at {@code path}; returns the
   * rows appended.
   */
  public static Dataset<Row> append(
      Dataset<Row> renders, String runId, int steps, int batchSize, String path) {
    Dataset<Row> summary =
        renders
            .where(col("status").equalTo("ok"))
            .withColumn("size_bucket", SizeBucket.column(col("width"), col("height")))
            .groupBy(
                col("model_id"),
                col("model_version"),
                col("variant"),
                col("device_class"),
                col("size_bucket"))
            .agg(
                count(lit(1)).as("renders"),
                // medians: one slow batch (a collector pause, a task's first batch) does not
                // move the figure every estimate is made from
                percentile_approx(RendersTable.executorSeconds(), lit(0.5), lit(10000))
                    .as("seconds_per_render"),
                percentile_approx(
                        col("cost_eur").minus(col("cost_caption_eur")), lit(0.5), lit(10000))
                    .as("eur_per_render"))
            .withColumn("steps", lit(steps))
            .withColumn("batch_size", lit(batchSize))
            .withColumn("calibrated_at", lit(new Timestamp(System.currentTimeMillis())))
            .withColumn("run_id", lit(runId));
    VERSIONED.append(summary, path, java.util.Map.of());
    return summary;
  }
}
