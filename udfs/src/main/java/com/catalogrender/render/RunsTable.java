package com.catalogrender.render;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The {@code runs} Delta table: one row per run, config with secrets redacted. */
public final class RunsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("wall_seconds", DataTypes.DoubleType, false)
          .add("render_seconds", DataTypes.DoubleType, false)
          .add("catalog", DataTypes.StringType)
          .add("model_id", DataTypes.StringType)
          .add("model_version", DataTypes.StringType)
          .add("spark_master", DataTypes.StringType)
          .add("application_id", DataTypes.StringType)
          .add("arguments", DataTypes.StringType)
          .add("config", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("rows_total", DataTypes.LongType, false)
          .add("rows_ok", DataTypes.LongType, false)
          .add("rows_failed", DataTypes.LongType, false)
          .add("rows_skipped", DataTypes.LongType, false)
          .add("executors", DataTypes.LongType, false)
          .add("model_loads", DataTypes.LongType, false)
          .add("renders_per_second", DataTypes.DoubleType, false)
          .add("contact_sheet", DataTypes.StringType)
          .add("marginal_cost_eur", DataTypes.DoubleType, false)
          .add("cost_per_render_eur", DataTypes.DoubleType, false)
          .add("model_load_seconds", DataTypes.DoubleType, false)
          .add("idle_seconds", DataTypes.DoubleType, false)
          .add("fixed_cost_eur", DataTypes.DoubleType, false)
          .add("device_seconds_rows", DataTypes.DoubleType, false)
          .add("device_seconds_measured", DataTypes.DoubleType, false)
          .add("rates", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("rows_skipped_budget", DataTypes.LongType, false)
          .add("budget_eur", DataTypes.DoubleType, false)
          .add("budget_spent_eur", DataTypes.DoubleType, false)
          .add("caption_rewriter", DataTypes.StringType)
          .add("caption_distinct_prompts", DataTypes.LongType)
          .add("caption_rewrites", DataTypes.LongType)
          .add("caption_requests", DataTypes.LongType)
          .add("caption_gateway_answers", DataTypes.LongType)
          .add("caption_cache_hits", DataTypes.LongType)
          .add("caption_cache_hit_rate", DataTypes.DoubleType)
          .add("caption_fallbacks", DataTypes.LongType)
          .add("caption_bypassed_prompts", DataTypes.LongType)
          .add("caption_cost_eur", DataTypes.DoubleType)
          .add("embedding_cache", DataTypes.StringType)
          .add("embedding_cache_hits", DataTypes.LongType)
          .add("embedding_cache_misses", DataTypes.LongType)
          .add("embedding_cache_hit_rate", DataTypes.DoubleType)
          .add("embedding_cache_failures", DataTypes.LongType)
          .add("executors_lost", DataTypes.LongType)
          .add("executors_lost_reasons", DataTypes.StringType)
          .add("device_busy_share", DataTypes.DoubleType)
          .add("device_busy_share_min_task", DataTypes.DoubleType)
          .add("device_wait_seconds", DataTypes.DoubleType);

  private RunsTable() {}

  static void append(
      SparkSession spark,
      RenderConfig config,
      RunSummary summary,
      Timestamp started,
      Timestamp ended,
      String modelId,
      String modelVersion,
      String arguments,
      com.catalogrender.cost.Rates rates,
      double modelLoadSeconds,
      double idleSeconds) {
    Map<String, String> redacted = config.redactedSettings();
    RunSummary.CacheFigures c = summary.caches();
    Row row =
        RowFactory.create(
            summary.runId(),
            started,
            ended,
            summary.wallSeconds(),
            summary.renderSeconds(),
            config.catalog(),
            modelId,
            modelVersion,
            spark.sparkContext().master(),
            spark.sparkContext().applicationId(),
            arguments,
            redacted,
            summary.rowsTotal(),
            summary.rowsOk(),
            summary.rowsFailed(),
            summary.rowsSkipped(),
            summary.executors(),
            summary.modelLoads(),
            summary.rendersPerSecond(),
            summary.contactSheet(),
            summary.marginalCostEur(),
            summary.costPerRenderEur(),
            modelLoadSeconds,
            idleSeconds,
            summary.fixedCostEur(),
            summary.deviceSecondsRows(),
            summary.deviceSecondsMeasured(),
            rates.text(),
            summary.rowsSkippedBudget(),
            summary.budgetEur(),
            summary.budgetSpentEur(),
            c.captionRewriter(),
            c.captionDistinct(),
            c.captionRewrites(),
            c.captionRequests(),
            c.captionGatewayAnswers(),
            c.captionCacheHits(),
            c.captionCacheHitRate(),
            c.captionFallbacks(),
            c.captionBypassed(),
            c.captionApiEur(),
            c.embeddingCache(),
            c.embeddingHits(),
            c.embeddingMisses(),
            c.embeddingHitRate(),
            c.embeddingFailures(),
            summary.cluster().executorsLost(),
            summary.cluster().executorsLostReasons(),
            summary.cluster().deviceBusyShare(),
            summary.cluster().deviceBusyShareMin(),
            summary.cluster().deviceWaitSeconds());
    spark
        .createDataFrame(List.of(row), SCHEMA)
        .write()
        .format("delta")
        .mode("append")
        .option("mergeSchema", "true")
        .save(config.runsPath());
  }
}
