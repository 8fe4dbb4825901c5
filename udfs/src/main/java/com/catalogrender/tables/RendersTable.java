package com.catalogrender.tables;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.catalogrender.measure.Stage;
import com.catalogrender.results.RenderResult;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code renders} Delta table: one row per catalog row per run (identity, outcome, measured
 * seconds and cost per stage). Column order is the table's historical order.
 */
public final class RendersTable {
  private static final String SECONDS = "seconds_%s";
  private static final String COST = "cost_%s_eur";

  public static final TableDescription<RenderResult> DESCRIPTION =
      TableDescription.<RenderResult>builder()
          .required("run_id", StringType, r -> r.identity().runId())
          .column("sku", StringType, r -> r.identity().sku())
          .column("category", StringType, r -> r.identity().category())
          .required("input_hash", StringType, r -> r.identity().inputHash())
          .required("model_id", StringType, r -> r.identity().modelId())
          .required("model_version", StringType, r -> r.identity().modelVersion())
          .column("variant", StringType, r -> r.identity().variant())
          .column("device", StringType, r -> r.placement().device())
          .column("gpu_address", StringType, r -> r.placement().gpuAddress())
          .column("device_class", StringType, r -> r.placement().deviceClass())
          .column("executor_id", StringType, r -> r.placement().executorId())
          .required("status", StringType, r -> r.outcome().status().label())
          .column("error", StringType, r -> r.outcome().error())
          .column("image_uri", StringType, r -> r.outcome().imageUri())
          .required("image_bytes", LongType, r -> r.outcome().imageBytes())
          .column("width", LongType, RenderResult::width)
          .column("height", LongType, RenderResult::height)
          .column("seed", LongType, RenderResult::seed)
          .column("caption", StringType, caption(RenderResult.CaptionUse::text))
          .column("caption_source", StringType, caption(RenderResult.CaptionUse::source))
          .column("caption_model", StringType, caption(RenderResult.CaptionUse::model))
          .column("caption_reason", StringType, caption(RenderResult.CaptionUse::reason))
          .column("embedding_cache_hit", BooleanType, RenderResult::embeddingCacheHit)
          .required("api_tokens_in", LongType, tokens(RenderResult.CaptionUse::tokensIn))
          .required("api_tokens_out", LongType, tokens(RenderResult.CaptionUse::tokensOut))
          .required("batch_size", IntegerType, RenderResult::batchSize)
          .perStage(SECONDS, DoubleType, RenderResult::seconds)
          .required("requests", LongType, RenderResult::requests)
          .perStage(COST, DoubleType, RenderResult::costs)
          .required("cost_eur", DoubleType, r -> r.costs().total())
          .required("rendered_at", TimestampType, RenderResult::renderedAt)
          .column(
              "adopted",
              org.apache.spark.sql.types.DataTypes.BooleanType,
              r -> r.outcome().adopted())
          .column(
              "fingerprint",
              org.apache.spark.sql.types.DataTypes.createMapType(StringType, StringType),
              // Spark's row encoder takes Scala maps
              r ->
                  r.identity().fingerprint() == null
                      ? null
                      : scala.collection.JavaConverters.mapAsScalaMapConverter(
                              r.identity().fingerprint())
                          .asScala())
          .column("run_date", DateType, RendersTable::runDate)
          .build();

  public static final StructType SCHEMA = DESCRIPTION.schema();

  /**
   * Version 1: the columns up to {@code fingerprint} (tables created before versions were
   * recorded); 2: {@code run_date}, the partition column of new tables.
   */
  public static final VersionedSchema VERSIONED =
      new VersionedSchema("renders", 2, SCHEMA, java.util.List.of("run_date"));

  private RendersTable() {}

  /** A render's seconds on its executor: every stage but the caption (driver time). */
  public static org.apache.spark.sql.Column executorSeconds() {
    org.apache.spark.sql.Column total = org.apache.spark.sql.functions.lit(0.0);
    for (Stage stage : Stage.EXECUTOR) {
      total =
          total.plus(
              org.apache.spark.sql.functions.coalesce(
                  org.apache.spark.sql.functions.col(secondsColumn(stage)),
                  org.apache.spark.sql.functions.lit(0.0)));
    }
    return total;
  }

  /** The column of a stage's measured seconds: {@code seconds_unet}. */
  public static String secondsColumn(Stage stage) {
    return String.format(SECONDS, stage.label());
  }

  /** The column of a stage's EUR: {@code cost_unet_eur}. */
  public static String costColumn(Stage stage) {
    return String.format(COST, stage.label());
  }

  /**
   * Appends {@code results} as checkpoint {@code checkpoint} of run {@code runId}, once: the commit
   * carries the checkpoint's name ({@code catalog-render/<run>/<checkpoint>}, its user metadata),
   * and a checkpoint {@code commits} already holds is not written again, so a retried commit never
   * duplicates rows. Checkpoints may commit in any order (two waves in flight). One writer per
   * checkpoint at a time: the check and the commit are not one transaction (the run's driver is the
   * only writer of its checkpoints).
   *
   * @return whether the rows were appended (false: the checkpoint was committed before)
   */
  public static boolean appendCheckpoint(
      org.apache.spark.sql.Dataset<Row> results,
      String path,
      String runId,
      long checkpoint,
      CheckpointCommits commits) {
    if (commits.committed(runId, checkpoint)) {
      return false;
    }
    VERSIONED.append(
        results, path, java.util.Map.of("userMetadata", CheckpointCommits.name(runId, checkpoint)));
    return true;
  }

  /**
   * The date a run started, its partition in {@code renders}: the date its id begins with ({@code
   * yyyyMMdd-HHmmss-...}), else the date the row was rendered (UTC).
   */
  static java.sql.Date runDate(RenderResult result) {
    String runId = result.identity().runId();
    if (runId != null && runId.length() >= 8) {
      try {
        return java.sql.Date.valueOf(
            java.time.LocalDate.parse(
                runId.substring(0, 8), java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
      } catch (java.time.format.DateTimeParseException e) {
        // not an id this job made: the row's own date below
      }
    }
    return result.renderedAt() == null
        ? null
        : java.sql.Date.valueOf(
            result.renderedAt().toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
  }

  public static Row row(RenderResult result) {
    return DESCRIPTION.row(result);
  }

  private static Function<RenderResult, Object> caption(
      Function<RenderResult.CaptionUse, Object> read) {
    return r -> r.caption() == null ? null : read.apply(r.caption());
  }

  private static Function<RenderResult, Object> tokens(
      java.util.function.ToLongFunction<RenderResult.CaptionUse> read) {
    return r -> r.caption() == null ? 0L : read.applyAsLong(r.caption());
  }
}
