package com.catalogrender.quality;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code audits} Delta table: one row per (audit, prompt, variant), or per sampled render when
 * an existing render run is audited ({@code source = 'renders'}).
 */
public final class AuditTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("audit_id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("render_run_id", DataTypes.StringType)
          .add("model_id", DataTypes.StringType, false)
          .add("model_version", DataTypes.StringType, false)
          .add("prompt_id", DataTypes.StringType, false)
          .add("category", DataTypes.StringType)
          .add("colour", DataTypes.StringType)
          .add("background", DataTypes.StringType)
          .add("lighting", DataTypes.StringType)
          .add("caption", DataTypes.StringType, false)
          .add("seed", DataTypes.LongType, false)
          .add("variant", DataTypes.StringType, false)
          .add("reference_variant", DataTypes.StringType)
          .add("similarity", DataTypes.DoubleType, false)
          .add("category_correct", DataTypes.BooleanType)
          .add("colour_correct", DataTypes.BooleanType)
          .add("background_correct", DataTypes.BooleanType)
          .add("attribute_accuracy", DataTypes.DoubleType)
          .add("psnr_vs_reference", DataTypes.DoubleType)
          .add("ssim_vs_reference", DataTypes.DoubleType)
          .add("image_uri", DataTypes.StringType)
          .add("audited_at", DataTypes.TimestampType, false);

  private AuditTable() {}
}
