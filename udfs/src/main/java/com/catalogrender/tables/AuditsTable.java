package com.catalogrender.tables;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.catalogrender.results.AuditRecord;
import com.catalogrender.results.AuditRecord.Attributes;
import com.catalogrender.results.AuditRecord.Reference;
import java.util.function.Function;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code audits} Delta table: one row per (audit, prompt, variant), or per sampled render when
 * an existing render run is audited ({@code source = 'renders'}).
 */
public final class AuditsTable {
  public static final TableDescription<AuditRecord> DESCRIPTION =
      TableDescription.<AuditRecord>builder()
          .required("audit_id", StringType, AuditRecord::auditId)
          .required("source", StringType, AuditRecord::source)
          .column("render_run_id", StringType, AuditRecord::renderRunId)
          .required("model_id", StringType, AuditRecord::modelId)
          .required("model_version", StringType, AuditRecord::modelVersion)
          .required("prompt_id", StringType, AuditRecord::promptId)
          .column("category", StringType, AuditRecord::category)
          .column("colour", StringType, attributes(Attributes::colour))
          .column("background", StringType, attributes(Attributes::background))
          .column("lighting", StringType, attributes(Attributes::lighting))
          .required("caption", StringType, AuditRecord::caption)
          .required("seed", LongType, AuditRecord::seed)
          .required("variant", StringType, AuditRecord::variant)
          .column("reference_variant", StringType, reference(Reference::variant))
          .column("similarity", DoubleType, AuditRecord::similarity)
          .column("category_correct", BooleanType, attributes(Attributes::categoryCorrect))
          .column("colour_correct", BooleanType, attributes(Attributes::colourCorrect))
          .column("background_correct", BooleanType, attributes(Attributes::backgroundCorrect))
          .column("attribute_accuracy", DoubleType, attributes(Attributes::accuracy))
          .column("pixel_colour", StringType, attributes(Attributes::pixelColour))
          .column("pixel_background", StringType, attributes(Attributes::pixelBackground))
          .column("pixel_colour_correct", BooleanType, attributes(Attributes::pixelColourCorrect))
          .column(
              "pixel_background_correct",
              BooleanType,
              attributes(Attributes::pixelBackgroundCorrect))
          .column("psnr_vs_reference", DoubleType, reference(Reference::psnr))
          .column("ssim_vs_reference", DoubleType, reference(Reference::ssim))
          .column("image_uri", StringType, AuditRecord::imageUri)
          .required("audited_at", TimestampType, AuditRecord::auditedAt)
          .build();

  public static final StructType SCHEMA = DESCRIPTION.schema();

  /** Version 1: the columns of tables created before versions were recorded. */
  public static final VersionedSchema VERSIONED = VersionedSchema.of("audits", 1, SCHEMA);

  private AuditsTable() {}

  private static Function<AuditRecord, Object> attributes(Function<Attributes, Object> read) {
    return r -> r.attributes() == null ? null : read.apply(r.attributes());
  }

  private static Function<AuditRecord, Object> reference(Function<Reference, Object> read) {
    return r -> r.reference() == null ? null : read.apply(r.reference());
  }
}
