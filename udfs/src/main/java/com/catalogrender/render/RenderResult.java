package com.catalogrender.render;

import com.catalogrender.cost.StageCosts;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the {@code renders} table: identity, outcome, measured seconds per stage, usage and
 * cost per stage. Every input row of a run yields exactly one of these, ok or failed.
 */
public record RenderResult(
    String runId,
    String sku,
    String category,
    String inputHash,
    String modelId,
    String modelVersion,
    String variant,
    String device,
    String gpuAddress,
    String deviceClass,
    String executorId,
    String status,
    String error,
    String imageUri,
    long imageBytes,
    Long width,
    Long height,
    Long seed,
    String caption,
    String captionSource,
    String captionModel,
    String captionReason,
    Boolean embeddingCacheHit,
    long apiTokensIn,
    long apiTokensOut,
    int batchSize,
    StageSeconds seconds,
    long requests,
    StageCosts costs,
    Timestamp renderedAt) {

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String SKIPPED_BUDGET = "skipped_budget";

  /** Measured seconds of one row per stage (the model stages are its share of its batch). */
  public record StageSeconds(
      double caption, double textEncoder, double unet, double vae, double post, double io) {
    public static final StageSeconds NONE = new StageSeconds(0, 0, 0, 0, 0, 0);

    public double device() {
      return textEncoder + unet + vae;
    }
  }

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("sku", DataTypes.StringType)
          .add("category", DataTypes.StringType)
          .add("input_hash", DataTypes.StringType, false)
          .add("model_id", DataTypes.StringType, false)
          .add("model_version", DataTypes.StringType, false)
          .add("variant", DataTypes.StringType)
          .add("device", DataTypes.StringType)
          .add("gpu_address", DataTypes.StringType)
          .add("device_class", DataTypes.StringType)
          .add("executor_id", DataTypes.StringType)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType)
          .add("image_uri", DataTypes.StringType)
          .add("image_bytes", DataTypes.LongType, false)
          .add("width", DataTypes.LongType)
          .add("height", DataTypes.LongType)
          .add("seed", DataTypes.LongType)
          .add("caption", DataTypes.StringType)
          .add("caption_source", DataTypes.StringType)
          .add("caption_model", DataTypes.StringType)
          .add("caption_reason", DataTypes.StringType)
          .add("embedding_cache_hit", DataTypes.BooleanType)
          .add("api_tokens_in", DataTypes.LongType, false)
          .add("api_tokens_out", DataTypes.LongType, false)
          .add("batch_size", DataTypes.IntegerType, false)
          .add("seconds_caption", DataTypes.DoubleType, false)
          .add("seconds_text_encoder", DataTypes.DoubleType, false)
          .add("seconds_unet", DataTypes.DoubleType, false)
          .add("seconds_vae", DataTypes.DoubleType, false)
          .add("seconds_post", DataTypes.DoubleType, false)
          .add("seconds_io", DataTypes.DoubleType, false)
          .add("requests", DataTypes.LongType, false)
          .add("cost_caption_eur", DataTypes.DoubleType, false)
          .add("cost_text_encoder_eur", DataTypes.DoubleType, false)
          .add("cost_unet_eur", DataTypes.DoubleType, false)
          .add("cost_vae_eur", DataTypes.DoubleType, false)
          .add("cost_post_eur", DataTypes.DoubleType, false)
          .add("cost_io_eur", DataTypes.DoubleType, false)
          .add("cost_eur", DataTypes.DoubleType, false)
          .add("rendered_at", DataTypes.TimestampType, false);

  /** A row that failed before or during rendering: no image, the reason in {@code error}. */
  public static RenderResult failed(
      RenderSpec spec,
      CatalogRow row,
      String variant,
      String device,
      String deviceClass,
      String executorId,
      String reason) {
    return unrendered(FAILED, spec, row, variant, device, deviceClass, executorId, reason);
  }

  /** A row left for a later run because the run's budget was spent before its batch started. */
  public static RenderResult skippedForBudget(
      RenderSpec spec,
      CatalogRow row,
      String variant,
      String device,
      String deviceClass,
      String executorId,
      String reason) {
    return unrendered(SKIPPED_BUDGET, spec, row, variant, device, deviceClass, executorId, reason);
  }

  private static RenderResult unrendered(
      String status,
      RenderSpec spec,
      CatalogRow row,
      String variant,
      String device,
      String deviceClass,
      String executorId,
      String reason) {
    return new RenderResult(
        spec.runId(),
        row.sku(),
        row.category(),
        row.inputHash(),
        spec.modelId(),
        spec.modelVersion(),
        variant,
        device,
        null,
        deviceClass,
        executorId,
        status,
        reason,
        null,
        0L,
        row.width(),
        row.height(),
        row.seed(),
        null,
        null,
        null,
        null,
        null,
        0,
        0,
        0,
        StageSeconds.NONE,
        0,
        new StageCosts(0, 0, 0, 0, 0, 0),
        new Timestamp(System.currentTimeMillis()));
  }

  public Row toRow() {
    return RowFactory.create(
        runId,
        sku,
        category,
        inputHash,
        modelId,
        modelVersion,
        variant,
        device,
        gpuAddress,
        deviceClass,
        executorId,
        status,
        error,
        imageUri,
        imageBytes,
        width,
        height,
        seed,
        caption,
        captionSource,
        captionModel,
        captionReason,
        embeddingCacheHit,
        apiTokensIn,
        apiTokensOut,
        batchSize,
        seconds.caption(),
        seconds.textEncoder(),
        seconds.unet(),
        seconds.vae(),
        seconds.post(),
        seconds.io(),
        requests,
        costs.caption(),
        costs.textEncoder(),
        costs.unet(),
        costs.vae(),
        costs.post(),
        costs.io(),
        costs.total(),
        renderedAt);
  }
}
