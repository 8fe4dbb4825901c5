package com.catalogrender.quality;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.config.Locations;
import com.catalogrender.config.SettingsFiles;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.tables.AuditsTable;
import com.catalogrender.tables.Warehouse;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * A quality audit: renders a held-out prompt set with each variant from the same seeds on the
 * executors, scores every image, appends the rows to the {@code audits} Delta table and summarises
 * them ({@link AuditSummary}). Or, with a render run id, samples that run's renders per category,
 * scores them against their captions and flags the worst.
 */
public final class AuditRun {
  public static final String DEFAULT_PROMPTS = "conf/audit/held-out-prompts.csv";
  private static final StructType PROMPTS =
      StructType.fromDDL(
          "prompt_id STRING, category STRING, colour STRING, background STRING, lighting STRING,"
              + " seed BIGINT, caption STRING");

  /**
   * @param prompts a CSV file or a Delta table (path or name) of prompt_id, category, colour,
   *     background, lighting, seed
   * @param variants the first is the reference
   * @param perCategory at most this many prompts per category (null: all)
   * @param seedsPerPrompt each prompt is rendered from this many seeds (its own and the next ones)
   * @param minPixelAccuracy the pixel check's colour and background accuracy a variant must reach
   * @param scorer a model directory with a CLIP-style scorer in the demo's format (null: the
   *     audited model's own, if it ships one)
   */
  public record Settings(
      String prompts,
      String warehouse,
      String images,
      String modelDirectory,
      List<Variant> variants,
      Integer perCategory,
      double maxSimilarityDrop,
      int steps,
      double guidance,
      int seedsPerPrompt,
      double minPixelAccuracy,
      String scorer) {
    public Settings {
      if (seedsPerPrompt < 1) {
        throw new IllegalArgumentException("--seeds must be >= 1, got " + seedsPerPrompt);
      }
      if (minPixelAccuracy < 0 || minPixelAccuracy > 1) {
        throw new IllegalArgumentException(
            "--min-pixel-accuracy must be in [0, 1], got " + minPixelAccuracy);
      }
    }
  }

  private final SparkSession spark;

  public AuditRun(SparkSession spark) {
    this.spark = spark;
  }

  public AuditSummary auditPrompts(Settings settings) throws IOException {
    if (settings.variants().size() < 2) {
      throw new IllegalArgumentException(
          "--variants needs a reference and at least one variant to compare, e.g. fp32,int8");
    }
    for (Variant v : settings.variants()) {
      if (v == Variant.FP16) {
        throw new IllegalArgumentException("The audit runs on the CPU: variants int8 and fp32");
      }
    }
    ModelDirectory directory =
        ModelDirectory.open(
            ModelCache.resolve(
                    settings.modelDirectory(),
                    ModelCache.defaultRoot(),
                    spark.sparkContext().hadoopConfiguration())
                .directory());
    ModelManifest manifest = directory.manifest();
    String auditId = newId();
    spark.sparkContext().setJobGroup("catalog-render audit " + auditId, "audit " + auditId, false);
    Dataset<Row> prompts = validate(load(settings.prompts(), manifest), manifest);
    if (settings.perCategory() != null) {
      prompts =
          prompts
              .withColumn(
                  "n",
                  functions
                      .row_number()
                      .over(Window.partitionBy(col("category")).orderBy(col("prompt_id"))))
              .where(col("n").leq(settings.perCategory()))
              .drop("n");
    }
    if (settings.seedsPerPrompt() > 1) {
      // several seeds per prompt: the same attributes, independent pictures
      prompts =
          prompts
              .withColumn(
                  "k",
                  functions.explode(
                      functions.sequence(
                          functions.lit(0L), functions.lit(settings.seedsPerPrompt() - 1L))))
              .withColumn(
                  "prompt_id", functions.concat(col("prompt_id"), functions.lit("-s"), col("k")))
              .withColumn("seed", col("seed").plus(col("k").multiply(1_000_003L)))
              .drop("k");
    }
    long count = prompts.count();
    if (count == 0) {
      throw new IllegalArgumentException("The prompt set " + settings.prompts() + " is empty");
    }
    String root = trim(settings.images()) + "/" + auditId;
    AuditRenderer.Spec spec =
        new AuditRenderer.Spec(
            auditId,
            ModelCache.isRemote(settings.modelDirectory())
                ? settings.modelDirectory()
                : directory.root().toAbsolutePath().normalize().toString(),
            manifest.modelId(),
            manifest.version(),
            settings.variants(),
            root,
            settings.steps(),
            settings.guidance(),
            settings.scorer());
    int partitions =
        (int) Math.max(1, Math.min(spark.sparkContext().defaultParallelism(), (count + 7) / 8));
    spark.sparkContext().setJobDescription("audit " + auditId + ": render and score " + count);
    Dataset<Row> scored =
        prompts
            .repartition(partitions, col("prompt_id"))
            .mapPartitions(new AuditRenderer(spec), Encoders.row(AuditsTable.SCHEMA));
    AuditsTable.VERSIONED.append(
        scored, new Warehouse(settings.warehouse()).audits(), java.util.Map.of());
    spark.sparkContext().setJobDescription("audit " + auditId + ": summary");
    List<Row> rows =
        spark
            .read()
            .format("delta")
            .load(new Warehouse(settings.warehouse()).audits())
            .where(col("audit_id").equalTo(auditId))
            .orderBy(col("prompt_id"))
            .collectAsList();
    Map<String, List<AuditSummary.Scored>> byVariant = new LinkedHashMap<>();
    settings.variants().forEach(v -> byVariant.put(v.label(), new ArrayList<>()));
    for (Row r : rows) {
      byVariant
          .get(r.<String>getAs("variant"))
          .add(
              new AuditSummary.Scored(
                  r.getAs("prompt_id"),
                  r.<Double>getAs("similarity"),
                  r.<Boolean>getAs("category_correct"),
                  r.<Boolean>getAs("colour_correct"),
                  r.<Boolean>getAs("background_correct"),
                  r.<Boolean>getAs("pixel_colour_correct"),
                  r.<Boolean>getAs("pixel_background_correct"),
                  r.getAs("psnr_vs_reference"),
                  r.getAs("ssim_vs_reference")));
    }
    spark.sparkContext().clearJobGroup();
    return AuditSummary.of(
        auditId,
        settings.variants().get(0).label(),
        settings.maxSimilarityDrop(),
        settings.minPixelAccuracy(),
        byVariant);
  }

  /**
   * The prompt set with the columns of {@link #PROMPTS}, read by name (absent ones null): the
   * demo's attribute prompts, or free captions for a model without an attribute vocabulary.
   */
  private Dataset<Row> load(String prompts, ModelManifest manifest) {
    Dataset<Row> table;
    if (prompts == null) {
      // the packaged prompt set for this kind of model: no working directory needed
      String name =
          manifest.attributes().isEmpty()
              ? "audit/caption-prompts.csv"
              : "audit/held-out-prompts.csv";
      String text =
          new String(SettingsFiles.packaged(name), java.nio.charset.StandardCharsets.UTF_8);
      table =
          csv()
              .csv(
                  spark.createDataset(
                      text.lines().toList(), org.apache.spark.sql.Encoders.STRING()));
    } else if (prompts.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      if (!Locations.isRemote(prompts)
          && !java.nio.file.Files.isRegularFile(Locations.localPath(prompts))) {
        throw new IllegalArgumentException(
            "Prompt set "
                + prompts
                + " does not exist; give a CSV or a Delta table with prompt_id, seed and either"
                + " caption (any model) or category, colour, background, lighting (the demo"
                + " model)");
      }
      table = csv().csv(prompts);
    } else {
      table =
          DeltaTable.isDeltaTable(spark, prompts)
              ? spark.read().format("delta").load(prompts)
              : spark.table(prompts);
    }
    java.util.Set<String> present = java.util.Set.of(table.columns());
    org.apache.spark.sql.Column[] columns = new org.apache.spark.sql.Column[PROMPTS.size()];
    for (int i = 0; i < columns.length; i++) {
      var field = PROMPTS.fields()[i];
      columns[i] =
          (present.contains(field.name()) ? col(field.name()) : functions.lit(null))
              .cast(field.dataType())
              .as(field.name());
    }
    return table.select(columns);
  }

  private org.apache.spark.sql.DataFrameReader csv() {
    return spark.read().option("header", "true").option("comment", "#");
  }

  /** Fails naming the first prompt whose attribute the model does not know. */
  private Dataset<Row> validate(Dataset<Row> prompts, ModelManifest manifest) {
    List<Row> rows = prompts.collectAsList();
    for (Row r : rows) {
      if (r.isNullAt(0) || r.isNullAt(5)) {
        throw new IllegalArgumentException(
            "Every audit prompt needs a prompt_id and a seed; bad row: " + r);
      }
      if (manifest.attributes().isEmpty()) {
        // a model without the demo's attribute vocabulary: free captions
        if (r.isNullAt(6) || r.getString(6).isBlank()) {
          throw new IllegalArgumentException(
              "Prompt '"
                  + r.getString(0)
                  + "' has no caption; model "
                  + manifest.modelId()
                  + " has no attribute vocabulary, so its audit prompts are captions (columns"
                  + " prompt_id, caption, seed)");
        }
        continue;
      }
      String[] names = {"category", "colour", "background", "lighting"};
      for (int i = 0; i < names.length; i++) {
        String value = r.isNullAt(i + 1) ? null : r.getString(i + 1);
        List<String> known = manifest.attributeValues(names[i]);
        if (value == null || !known.contains(value)) {
          throw new IllegalArgumentException(
              "Prompt '"
                  + r.getString(0)
                  + "': "
                  + names[i]
                  + " '"
                  + value
                  + "' is not one the model knows; use one of "
                  + known);
        }
      }
    }
    return spark.createDataFrame(rows, PROMPTS);
  }

  static String newId() {
    return "audit-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  private static String trim(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
