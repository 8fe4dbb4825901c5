package com.catalogrender.render;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.catalogrender.budget.BudgetLedger;
import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.caption.CaptionStage;
import com.catalogrender.catalog.CatalogSchema;
import com.catalogrender.catalog.InputHash;
import com.catalogrender.cost.CostEstimate;
import com.catalogrender.cost.Rates;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF8;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One render run. Phases, each labelled in the Spark UI:
 *
 * <ol>
 *   <li>open: read the catalog, check its schema, verify the model files (no model is loaded);
 *   <li>plan: filter, hash each row's inputs, skip rows whose hash already has an ok render;
 *   <li>captions: rewrite each distinct (category, prompt) once on the driver ({@link
 *       CaptionStage}) and join the captions back to the rows;
 *   <li>render: map partitions through {@link PartitionRenderer} and append every result row to
 *       {@code renders} in one Delta commit;
 *   <li>record: count outcomes, write the {@code runs} row, draw the contact sheet.
 * </ol>
 */
public final class RenderRun {
  private static final Logger LOG = LoggerFactory.getLogger(RenderRun.class);
  private static final String INPUT_HASH_FUNCTION = "catalog_render_input_hash";

  private final SparkSession spark;
  private final RenderConfig config;
  private final Consumer<String> console;

  public RenderRun(SparkSession spark, RenderConfig config, Consumer<String> console) {
    this.spark = spark;
    this.config = config;
    this.console = console;
  }

  public RunSummary execute(String arguments) throws IOException {
    SparkContext context = spark.sparkContext();
    String runId = newRunId();
    Timestamp started = new Timestamp(System.currentTimeMillis());
    long wallStart = System.nanoTime();
    context.setJobGroup("catalog-render " + runId, "catalog-render run " + runId, false);

    // open: rates first, so a run with an unknown rate stops before touching anything
    Rates rates = Rates.load(java.nio.file.Path.of(config.ratesFile()));
    rates.validateFor(Rates.storeOf(config.images()), List.of(config.captions().pricedModel()));
    EmbeddingCacheSpec embeddingCache =
        EmbeddingCacheSpec.parse(config.settings(), context.getConf());
    context.setJobDescription("catalog-render " + runId + ": open catalog");
    Dataset<Row> catalog = CatalogSource.open(spark, config.catalog());
    ModelManifest manifest =
        ModelDirectory.open(java.nio.file.Path.of(config.modelDirectory())).manifest();
    // with gpu_addresses_on_cpu the GPU addresses Spark hands out run on the CPU: plan CPU variants
    boolean gpu = gpuScheduled() && !config.tasks().gpuAddressesOnCpu();
    RenderSpec spec = spec(runId, manifest, rates, embeddingCache);
    if (config.budgetEur() > 0 && config.dryRun()) {
      throw new IllegalArgumentException(
          "--dry-run and --budget-eur do not combine: a dry run spends nothing");
    }

    // plan
    context.setJobDescription("catalog-render " + runId + ": plan (filter, hash, incremental)");
    Dataset<Row> planned = plan(catalog, spec, gpu);
    long rowsTotal = planned.count();
    Dataset<Row> todo = planned;
    if (!config.rerenderAll() && DeltaTable.isDeltaTable(spark, config.rendersPath())) {
      Dataset<Row> done =
          spark
              .read()
              .format("delta")
              .load(config.rendersPath())
              .where(col("status").equalTo(RenderResult.OK))
              .select("input_hash")
              .distinct();
      todo =
          planned.join(
              done, planned.col("input_hash").equalTo(done.col("input_hash")), "left_anti");
    }
    todo = todo.cache();
    long rowsToRender = todo.count();
    long rowsSkipped = rowsTotal - rowsToRender;
    console.accept(
        String.format(
            "run %s: %d catalog rows, %d to render, %d skipped (already rendered with the same inputs)%s",
            runId,
            rowsTotal,
            rowsToRender,
            rowsSkipped,
            config.rerenderAll() ? " [--rerender-all]" : ""));

    Dataset<Row> history =
        DeltaTable.isDeltaTable(spark, config.rendersPath())
            ? spark.read().format("delta").load(config.rendersPath())
            : null;
    if (config.dryRun()) {
      context.setJobDescription("catalog-render " + runId + ": dry run estimate");
      CostEstimate estimate = CostEstimate.of(todo, history);
      int slots = Math.max(1, spark.sparkContext().defaultParallelism());
      console.accept(
          String.format(
              "dry run: %d rows would render (%d skipped); estimated EUR %.6f in total, %.7f per render"
                  + " (%d rows without history use the default %.5f); ETA %.0fs on %d task slots",
              rowsToRender,
              rowsSkipped,
              estimate.totalEur(),
              estimate.eurPerRender(),
              estimate.rowsWithoutHistory(),
              CostEstimate.DEFAULT_EUR_PER_RENDER,
              estimate.totalSeconds() / slots,
              slots));
      todo.unpersist();
      context.clearJobGroup();
      return RunSummary.dryRun(runId, rowsTotal, rowsToRender, rowsSkipped, estimate, config);
    }

    // render
    RunMeters meters = RunMeters.register(context, runId);
    BudgetLedger ledger = null;
    if (config.budgetEur() > 0) {
      ledger =
          BudgetLedger.start(
              config.budgetEur(), spark.conf().get("spark.driver.host", "127.0.0.1"));
      spec = spec.withBudget(ledger.url(), CostEstimate.of(todo, history).eurPerRender());
    }
    long renderStart = System.nanoTime();
    CaptionStage.Outcome captions = null;
    ExecutorLossListener losses = new ExecutorLossListener();
    if (rowsToRender > 0) {
      context.setJobDescription(
          "catalog-render "
              + runId
              + ": captions ("
              + config.captions().rewriter()
              + ", distinct prompts)");
      try (CaptionRewriter rewriter =
          CaptionStage.rewriterFor(config.captions(), context.hadoopConfiguration())) {
        captions =
            new CaptionStage(config.captions(), rewriter, rates, config.ticker()).run(spark, todo);
      }
      console.accept(captionLine(captions));
      Dataset<Row> table = captions.captions();
      Dataset<Row> joined =
          todo.join(
                  broadcast(table),
                  todo.col("category")
                      .eqNullSafe(table.col("caption_category"))
                      .and(todo.col("prompt").eqNullSafe(table.col("caption_prompt"))),
                  "left")
              .withColumn(
                  "caption_rank",
                  row_number()
                      .over(
                          Window.partitionBy(col("category"), col("prompt"))
                              .orderBy(col("sku"), col("input_hash")))
                      .minus(1)
                      .cast(DataTypes.LongType));
      Column[] columns = new Column[CatalogRow.COLUMNS.length];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = col(CatalogRow.COLUMNS[i]);
      }
      Dataset<Row> captioned = joined.select(columns);
      int partitions = partitions(rowsToRender);
      context.setJobDescription(
          "catalog-render "
              + runId
              + ": render "
              + rowsToRender
              + " rows in "
              + partitions
              + " tasks");
      Dataset<Row> results =
          captioned
              .repartition(partitions, col("input_hash"))
              // a fixed order in each partition: the same rows share a batch on any cluster, so a
              // rerun with the same seeds gives the same bytes
              .sortWithinPartitions(col("input_hash"))
              .mapPartitions(
                  new PartitionRenderer(spec, meters), Encoders.row(RenderResult.SCHEMA));
      try (RenderProgress progress =
          new RenderProgress(meters.rowsDone().id(), rowsToRender, console, 2000)) {
        context.addSparkListener(progress);
        context.addSparkListener(losses);
        try {
          results
              .write()
              .format("delta")
              .mode("append")
              .option("mergeSchema", "true")
              .save(config.rendersPath());
        } finally {
          context.removeSparkListener(progress);
          context.removeSparkListener(losses);
        }
      }
    }
    if (rowsToRender > 0) {
      try {
        int swept =
            new com.catalogrender.io.ImageStore(config.images(), context.hadoopConfiguration())
                .sweepTemporary(runId);
        if (swept > 0) {
          LOG.info("Removed {} temporary image files left by lost task attempts", swept);
        }
      } catch (IOException e) {
        LOG.warn("Could not sweep temporary image files under {}", config.images(), e);
      }
    }
    double budgetSpent = ledger == null ? 0 : ledger.spent();
    if (ledger != null) {
      ledger.close();
    }
    double renderSeconds = (System.nanoTime() - renderStart) / 1e9;
    todo.unpersist();

    // record
    context.setJobDescription("catalog-render " + runId + ": record run");
    long ok = 0;
    long failed = 0;
    long skippedBudget = 0;
    long executors = 0;
    double marginal = 0;
    double deviceSecondsRows = 0;
    double rowSeconds = 0;
    String contactSheet = null;
    if (rowsToRender > 0) {
      Dataset<Row> mine =
          spark
              .read()
              .format("delta")
              .load(config.rendersPath())
              .where(col("run_id").equalTo(runId));
      Row counts =
          mine.agg(
                  sum(when(col("status").equalTo(RenderResult.OK), 1).otherwise(0)),
                  sum(when(col("status").equalTo(RenderResult.FAILED), 1).otherwise(0)),
                  countDistinct(col("executor_id")),
                  sum(col("cost_eur")),
                  sum(
                      col("seconds_text_encoder")
                          .plus(col("seconds_unet"))
                          .plus(col("seconds_vae"))),
                  sum(
                      col("seconds_caption")
                          .plus(col("seconds_text_encoder"))
                          .plus(col("seconds_unet"))
                          .plus(col("seconds_vae"))
                          .plus(col("seconds_post"))
                          .plus(col("seconds_io"))),
                  sum(when(col("status").equalTo(RenderResult.SKIPPED_BUDGET), 1).otherwise(0)))
              .first();
      ok = counts.isNullAt(0) ? 0 : counts.getLong(0);
      skippedBudget = counts.isNullAt(6) ? 0 : counts.getLong(6);
      failed = counts.isNullAt(1) ? 0 : counts.getLong(1);
      executors = counts.getLong(2);
      marginal = counts.isNullAt(3) ? 0 : counts.getDouble(3);
      deviceSecondsRows = counts.isNullAt(4) ? 0 : counts.getDouble(4);
      rowSeconds = counts.isNullAt(5) ? 0 : counts.getDouble(5);
      contactSheet = writeContactSheet(mine, runId);
    }
    // fixed costs: model loads, and task time no row accounts for (waiting for input, scheduling),
    // on the devices the tasks held: the GPU rate when the run was scheduled on GPUs, else CPU
    double idleSeconds = Math.max(0, meters.taskSeconds().value() - rowSeconds);
    double loadRate =
        gpu
            ? rates.deviceEurPerSecond(rates.gpuDeviceClass())
            : rates.deviceEurPerSecond(rates.cpuDeviceClass()) * rates.cpuCoresPerTask();
    List<String> lost = losses.lost();
    RunSummary summary =
        new RunSummary(
            runId,
            rowsTotal,
            ok,
            failed,
            rowsSkipped,
            executors,
            meters.modelLoads().value(),
            (System.nanoTime() - wallStart) / 1e9,
            renderSeconds,
            config.images(),
            config.rendersPath(),
            config.runsPath(),
            contactSheet,
            marginal,
            (meters.modelLoadSeconds().value() + idleSeconds) * loadRate,
            deviceSecondsRows,
            meters.deviceSeconds().value(),
            skippedBudget,
            config.budgetEur(),
            budgetSpent,
            cacheFigures(captions, embeddingCache, meters),
            new RunSummary.ClusterFigures(
                lost.size(),
                lost.isEmpty() ? null : String.join("; ", lost),
                mean(meters.deviceBusySharePerTask().value()),
                min(meters.deviceBusySharePerTask().value()),
                meters.deviceWaitSeconds().value()));
    RunsTable.append(
        spark,
        config,
        summary,
        started,
        new Timestamp(System.currentTimeMillis()),
        manifest.modelId(),
        manifest.version(),
        arguments,
        rates,
        meters.modelLoadSeconds().value(),
        idleSeconds);
    context.clearJobGroup();
    return summary;
  }

  private RunSummary.CacheFigures cacheFigures(
      CaptionStage.Outcome captions, EmbeddingCacheSpec embeddingCache, RunMeters meters) {
    CaptionStage.Outcome c =
        captions != null
            ? captions
            : new CaptionStage.Outcome(null, 0, 0, 0, 0, 0, 0, 0, 0, 0); // nothing rendered
    return new RunSummary.CacheFigures(
        config.captions().rewriter(),
        c.distinctPrompts(),
        c.rewrites(),
        c.httpRequests(),
        c.gatewayAnswers(),
        c.cacheHits(),
        c.fallbacks(),
        c.bypassedPrompts(),
        c.apiEur(),
        embeddingCache.describe(),
        meters.embeddingHits().value(),
        meters.embeddingMisses().value(),
        meters.embeddingFailures().value());
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  private static String captionLine(CaptionStage.Outcome c) {
    Double hitRate = c.cacheHitRate();
    return String.format(
        java.util.Locale.ROOT,
        "captions: %d distinct prompts, %d rewrites, %d gateway requests, %d answered (%s from its"
            + " cache), %d template fallbacks, %d long-tail prompts bypassed the cache, EUR %.6f",
        c.distinctPrompts(),
        c.rewrites(),
        c.httpRequests(),
        c.gatewayAnswers(),
        hitRate == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * hitRate),
        c.fallbacks(),
        c.bypassedPrompts(),
        c.apiEur());
  }

  private RenderSpec spec(
      String runId,
      ModelManifest manifest,
      com.catalogrender.cost.Rates rates,
      EmbeddingCacheSpec embeddingCache) {
    return new RenderSpec(
        runId,
        java.nio.file.Path.of(config.modelDirectory()).toAbsolutePath().normalize().toString(),
        manifest.modelId(),
        manifest.version(),
        new RenderSpec.VariantPolicy(config.cpuVariant(), config.fullPrecisionMinSide()),
        config.batchSize(),
        config.steps(),
        config.guidance(),
        config.maxSide(),
        config.images(),
        config.format(),
        config.quality(),
        config.sharpen(),
        rates,
        com.catalogrender.cost.Rates.storeOf(config.images()),
        config.ticker(),
        null,
        0,
        config.failFirstAttemptAfterRows(),
        embeddingCache,
        config.tasks());
  }

  /** Selects the columns executors read, in {@link CatalogRow#COLUMNS} order, with hashes. */
  private Dataset<Row> plan(Dataset<Row> catalog, RenderSpec spec, boolean gpu) {
    Dataset<Row> rows = catalog;
    if (config.where() != null) {
      try {
        rows = rows.where(config.where());
        rows.schema();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "--where \""
                + config.where()
                + "\" is not a valid filter on the catalog: "
                + firstLine(e.getMessage()),
            e);
      }
    }
    if (config.limit() != null) {
      rows = rows.orderBy(col(CatalogSchema.SKU)).limit(config.limit());
    }
    Column source =
        CatalogSchema.hasSourceImage(catalog.schema())
            ? col(CatalogSchema.SOURCE_IMAGE)
            : lit(null).cast(DataTypes.StringType);
    Column width = col(CatalogSchema.WIDTH).cast(DataTypes.LongType);
    Column height = col(CatalogSchema.HEIGHT).cast(DataTypes.LongType);
    RenderSpec.VariantPolicy policy = spec.variants();
    Column variant =
        gpu
            ? lit(Variant.FP16.label())
            : when(
                    greatest(width, height).geq(policy.fullPrecisionMinSide()),
                    lit(Variant.FP32.label()))
                .otherwise(lit(policy.cpuVariant().label()));
    String modelId = spec.modelId();
    String version = spec.modelVersion();
    spark
        .udf()
        .register(
            INPUT_HASH_FUNCTION,
            (UDF8<String, Long, Long, Long, String, String, String, String, String>)
                (prompt, w, h, seed, image, id, v, variantLabel) ->
                    InputHash.of(
                        prompt,
                        w == null ? -1 : w,
                        h == null ? -1 : h,
                        seed == null ? -1 : seed,
                        image,
                        id,
                        v,
                        variantLabel),
            DataTypes.StringType);
    return rows.select(
        col(CatalogSchema.SKU).as("sku"),
        col(CatalogSchema.CATEGORY).as("category"),
        col(CatalogSchema.PROMPT).as("prompt"),
        width.as("width"),
        height.as("height"),
        col(CatalogSchema.SEED).cast(DataTypes.LongType).as("seed"),
        source.as("source_image"),
        org.apache
            .spark
            .sql
            .functions
            .callUDF(
                INPUT_HASH_FUNCTION,
                col(CatalogSchema.PROMPT),
                width,
                height,
                col(CatalogSchema.SEED).cast(DataTypes.LongType),
                source,
                lit(modelId),
                lit(version),
                variant)
            .as("input_hash"),
        variant.as("planned_variant"));
  }

  private int partitions(long rows) {
    if (config.partitions() > 0) {
      return config.partitions();
    }
    long batches = (rows + config.batchSize() - 1) / config.batchSize();
    int parallelism = spark.sparkContext().defaultParallelism();
    return (int) Math.max(1, Math.min(batches, parallelism * 2L));
  }

  private boolean gpuScheduled() {
    String amount = spark.conf().get("spark.executor.resource.gpu.amount", "0");
    try {
      return Double.parseDouble(amount) > 0;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spark.executor.resource.gpu.amount is not a number: " + amount);
    }
  }

  private String writeContactSheet(Dataset<Row> mine, String runId) {
    if (config.contactSheetSize() == 0) {
      return null;
    }
    List<ContactSheet.Entry> entries = new ArrayList<>();
    for (Row row :
        mine.where(col("status").equalTo(RenderResult.OK))
            .orderBy(col("sku"))
            .select("sku", "image_uri")
            .limit(config.contactSheetSize())
            .collectAsList()) {
      entries.add(new ContactSheet.Entry(row.getString(0), row.getString(1)));
    }
    if (entries.isEmpty()) {
      return null;
    }
    String root = config.images().endsWith("/") ? config.images() : config.images() + "/";
    String target = root + "contact-sheet-" + runId + ".png";
    try {
      ContactSheet.write(entries, target, spark.sparkContext().hadoopConfiguration());
      return new org.apache.hadoop.fs.Path(target)
          .getFileSystem(spark.sparkContext().hadoopConfiguration())
          .makeQualified(new org.apache.hadoop.fs.Path(target))
          .toString();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not write the contact sheet {}", target, e);
      return null;
    }
  }

  private static String newRunId() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
