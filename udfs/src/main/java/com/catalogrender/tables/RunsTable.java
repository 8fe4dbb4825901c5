package com.catalogrender.tables;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.catalogrender.measure.DeviceClock;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RunRecord;
import com.catalogrender.results.RunSummary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The {@code runs} Delta table: one row per run, config with secrets redacted. */
public final class RunsTable {
  private static final DataType TEXT_MAP = DataTypes.createMapType(StringType, StringType);
  private static final DataType FIGURE_MAP = DataTypes.createMapType(StringType, DoubleType);

  public static final TableDescription<RunRecord> DESCRIPTION =
      TableDescription.<RunRecord>builder()
          .required("run_id", StringType, r -> r.summary().runId())
          .required("started_at", TimestampType, RunRecord::startedAt)
          .required("ended_at", TimestampType, RunRecord::endedAt)
          .required("wall_seconds", DoubleType, summary(s -> s.work().wallSeconds()))
          .required("render_seconds", DoubleType, summary(s -> s.work().renderSeconds()))
          .column("catalog", StringType, RunRecord::catalog)
          .column("model_id", StringType, RunRecord::modelId)
          .column("model_version", StringType, RunRecord::modelVersion)
          .column("spark_master", StringType, RunRecord::sparkMaster)
          .column("application_id", StringType, RunRecord::applicationId)
          .column("arguments", StringType, RunRecord::arguments)
          .column("config", TEXT_MAP, RunRecord::config)
          .required("rows_total", LongType, summary(s -> s.rows().total()))
          .required("rows_ok", LongType, summary(s -> s.rows().ok()))
          .required("rows_failed", LongType, summary(s -> s.rows().failed()))
          .required("rows_skipped", LongType, summary(s -> s.rows().skipped()))
          .required("executors", LongType, summary(s -> s.work().executors()))
          .required("model_loads", LongType, summary(s -> s.work().modelLoads()))
          .required("renders_per_second", DoubleType, summary(RunSummary::rendersPerSecond))
          .column("contact_sheet", StringType, summary(s -> s.locations().contactSheet()))
          .required("marginal_cost_eur", DoubleType, summary(s -> s.costs().marginalEur()))
          .required("cost_per_render_eur", DoubleType, summary(RunSummary::costPerRenderEur))
          .required("model_load_seconds", DoubleType, summary(s -> s.costs().modelLoadSeconds()))
          .required("idle_seconds", DoubleType, summary(s -> s.costs().idleSeconds()))
          .required("fixed_cost_eur", DoubleType, summary(s -> s.costs().fixedEur()))
          .required("device_seconds_rows", DoubleType, summary(s -> s.costs().deviceSecondsRows()))
          .required(
              "device_seconds_measured",
              DoubleType,
              summary(s -> s.costs().deviceSecondsMeasured()))
          .column("rates", TEXT_MAP, RunRecord::rates)
          .required("rows_skipped_budget", LongType, summary(s -> s.rows().skippedBudget()))
          .required("budget_eur", DoubleType, summary(s -> s.budget().budgetEur()))
          .required("budget_spent_eur", DoubleType, summary(s -> s.budget().spentEur()))
          .column("caption_rewriter", StringType, captions(CaptionFigures::rewriter))
          .column("caption_distinct_prompts", LongType, captions(CaptionFigures::distinctPrompts))
          .column("caption_rewrites", LongType, captions(CaptionFigures::rewrites))
          .column("caption_requests", LongType, captions(CaptionFigures::httpRequests))
          .column("caption_gateway_answers", LongType, captions(CaptionFigures::gatewayAnswers))
          .column("caption_cache_hits", LongType, captions(CaptionFigures::cacheHits))
          .column("caption_cache_hit_rate", DoubleType, captions(CaptionFigures::cacheHitRate))
          .column("caption_fallbacks", LongType, captions(CaptionFigures::fallbacks))
          .column("caption_bypassed_prompts", LongType, captions(CaptionFigures::bypassedPrompts))
          .column(
              "caption_normalised_answers", LongType, captions(CaptionFigures::normalisedAnswers))
          .column("caption_rejected_answers", LongType, captions(CaptionFigures::rejectedAnswers))
          .column(
              "caption_breaker_saved_prompts",
              LongType,
              captions(CaptionFigures::breakerSavedPrompts))
          .column("caption_cost_eur", DoubleType, captions(CaptionFigures::apiEur))
          .column("embedding_cache", StringType, embeddings(EmbeddingFigures::cache))
          .column("embedding_cache_hits", LongType, embeddings(EmbeddingFigures::hits))
          .column("embedding_cache_misses", LongType, embeddings(EmbeddingFigures::misses))
          .column("embedding_cache_hit_rate", DoubleType, embeddings(EmbeddingFigures::hitRate))
          .column("embedding_cache_failures", LongType, embeddings(EmbeddingFigures::failures))
          .column("executors_lost", LongType, cluster(RunSummary.ClusterFigures::executorsLost))
          .column(
              "executors_lost_reasons",
              StringType,
              cluster(RunSummary.ClusterFigures::executorsLostReasons))
          .column(
              "device_busy_share", DoubleType, cluster(RunSummary.ClusterFigures::deviceBusyShare))
          .column(
              "device_busy_share_min_task",
              DoubleType,
              cluster(RunSummary.ClusterFigures::deviceBusyShareMin))
          .column(
              "device_wait_seconds",
              DoubleType,
              cluster(RunSummary.ClusterFigures::deviceWaitSeconds))
          .column("model_fetches", LongType, r -> r.modelFetch().fetches())
          .column("model_fetch_seconds", DoubleType, r -> r.modelFetch().seconds())
          .column("model_cache_bytes", LongType, r -> r.modelFetch().cacheBytes())
          .column("spark_task_attempts", LongType, r -> r.attempts().attempts())
          .column("spark_failed_attempts", LongType, r -> r.attempts().failed())
          .column("spark_task_seconds", DoubleType, r -> r.attempts().taskSeconds())
          .column("wasted_seconds", DoubleType, r -> r.attempts().wastedSeconds())
          .column("wasted_eur", DoubleType, r -> r.attempts().wastedEur())
          .column("wasted_reasons", StringType, r -> r.attempts().wastedReasons())
          .column("all_in_cost_per_render_eur", DoubleType, r -> r.attempts().allInEurPerRender())
          .column("fixed_costs_eur", FIGURE_MAP, costs(c -> c.fixed().linesEur()))
          .column("driver_seconds", DoubleType, costs(c -> c.fixed().driverSeconds()))
          .column(
              "time_accounting_seconds",
              FIGURE_MAP,
              costs(c -> c.reconciliation().timeAccounting()))
          .column(
              "device_busy_seconds",
              FIGURE_MAP,
              costs(c -> perDevice(c, DeviceClock.Reading::busySeconds)))
          .column(
              "device_held_seconds",
              FIGURE_MAP,
              costs(c -> perDevice(c, DeviceClock.Reading::heldSeconds)))
          .column(
              "task_seconds_accounted",
              DoubleType,
              costs(c -> c.reconciliation().accountedTaskSeconds()))
          .column(
              "reconciliation_device", DoubleType, costs(c -> c.reconciliation().deviceAgreement()))
          .column("reconciliation_task", DoubleType, costs(c -> c.reconciliation().taskAgreement()))
          .column("rows_adopted", LongType, RunRecord::adopted)
          .column("estimated_eur", DoubleType, RunRecord::estimatedEur)
          .column("estimate_sources", StringType, r -> r.estimate().sources())
          .column("caption_seconds", DoubleType, summary(s -> s.work().captionSeconds()))
          .column("caption_wait_seconds", DoubleType, summary(s -> s.work().captionWaitSeconds()))
          .column("simulated_device_seconds", DoubleType, RunRecord::simulatedDeviceSeconds)
          .column("driver_phase_seconds", FIGURE_MAP, summary(s -> s.work().phaseSeconds()))
          .build();

  public static final StructType SCHEMA = DESCRIPTION.schema();

  /**
   * Version 1: the columns of tables created before versions were recorded; 2: caption seconds, the
   * seconds rendering waited for captions, and simulated device seconds (scale runs).
   */
  public static final VersionedSchema VERSIONED = VersionedSchema.of("runs", 2, SCHEMA);

  private RunsTable() {}

  /** Appends one run's row to the table at {@code path}. */
  public static void append(SparkSession spark, String path, RunRecord record) {
    VERSIONED.append(
        spark.createDataFrame(List.of(DESCRIPTION.row(record)), SCHEMA), path, Map.of());
  }

  private static Function<RunRecord, Object> summary(Function<RunSummary, Object> read) {
    return r -> read.apply(r.summary());
  }

  private static Function<RunRecord, Object> costs(Function<RunSummary.CostFigures, Object> read) {
    return r -> read.apply(r.summary().costs());
  }

  private static Map<String, Double> perDevice(
      RunSummary.CostFigures costs, ToDoubleFunction<DeviceClock.Reading> figure) {
    Map<String, Double> values = new TreeMap<>();
    costs.devices().forEach((device, reading) -> values.put(device, figure.applyAsDouble(reading)));
    return values;
  }

  private static Function<RunRecord, Object> captions(Function<CaptionFigures, Object> read) {
    return r -> read.apply(r.summary().captions());
  }

  private static Function<RunRecord, Object> embeddings(Function<EmbeddingFigures, Object> read) {
    return r -> read.apply(r.summary().embeddings());
  }

  private static Function<RunRecord, Object> cluster(
      Function<RunSummary.ClusterFigures, Object> read) {
    return r -> read.apply(r.summary().cluster());
  }
}
