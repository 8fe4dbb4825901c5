package com.catalogrender.render;

import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the {@code renders} table: identity, outcome, measured seconds per stage. Every input
 * row of a run yields exactly one of these, ok or failed.
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
    int batchSize,
    double secondsCaption,
    double secondsTextEncoder,
    double secondsUnet,
    double secondsVae,
    double secondsPost,
    double secondsIo,
    Timestamp renderedAt) {

  public static final String OK = "ok";
  public static final String FAILED = "failed";

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
          .add("batch_size", DataTypes.IntegerType, false)
          .add("seconds_caption", DataTypes.DoubleType, false)
          .add("seconds_text_encoder", DataTypes.DoubleType, false)
          .add("seconds_unet", DataTypes.DoubleType, false)
          .add("seconds_vae", DataTypes.DoubleType, false)
          .add("seconds_post", DataTypes.DoubleType, false)
          .add("seconds_io", DataTypes.DoubleType, false)
          .add("rendered_at", DataTypes.TimestampType, false);

  /** A row that failed before or during rendering: no image, the reason in {@code error}. */
  public static RenderResult failed(
      RenderSpec spec,
      CatalogRow row,
      String variant,
      String device,
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
        executorId,
        FAILED,
        reason,
        null,
        0L,
        row.width(),
        row.height(),
        row.seed(),
        null,
        null,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
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
        batchSize,
        secondsCaption,
        secondsTextEncoder,
        secondsUnet,
        secondsVae,
        secondsPost,
        secondsIo,
        renderedAt);
  }
}
