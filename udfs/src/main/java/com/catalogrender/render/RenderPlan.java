package com.catalogrender.render;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.catalog.CatalogSchema;
import com.catalogrender.catalog.InputHash;
import com.catalogrender.cost.CostEstimate;
import com.catalogrender.diffusion.VariantPolicy;
import com.catalogrender.io.ContentHash;
import com.catalogrender.runtime.ExecutorHadoop;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.tables.CheckpointCommits;
import com.catalogrender.tables.CurrentImagesTable;
import com.catalogrender.tables.RendersTable;
import com.catalogrender.tables.RunsTable;
import com.catalogrender.task.Fingerprint;
import io.delta.tables.DeltaTable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF7;
import org.apache.spark.sql.types.DataTypes;

/**
 * The plan phase's result: the rows to render (filtered, each with its planned variant and input
 * hash, rows with an ok render of the same hash skipped unless re-rendering all), cached for the
 * phases that follow, and the {@code renders} history the estimates read.
 *
 * @param todo the rows to render, read from {@code cached}
 * @param cached what the plan cached: {@code todo}, or {@code todo} without its input hash when no
 *     row is skipped ({@link #release} unpersists it)
 * @param groups the rows to render counted per group the estimate prices ({@link
 *     CostEstimate#groups}), a local table
 * @param history the renders table, or null before the first run
 * @param liveImagesBefore whether {@code current_images} existed before this run (false in a
 *     warehouse's first run: it was created empty, so every live image after the run is one of this
 *     run's catalog rows)
 * @param tablesReady the renders table made ready for the waves' commits (created, or checked and
 *     evolved) and its record of commits from then, on a thread of its own; in a warehouse's first
 *     run {@code current_images} is created there too (null in a dry run: nothing is created)
 */
record RenderPlan(
    Dataset<Row> todo,
    Dataset<Row> cached,
    long rowsTotal,
    long rowsToRender,
    Dataset<Row> groups,
    Dataset<Row> history,
    boolean liveImagesBefore,
    CompletableFuture<CheckpointCommits> tablesReady) {
  private static final String VARIANT_FUNCTION = "catalog_render_variant";
  private static final String INPUT_HASH_FUNCTION = "catalog_render_input_hash";
  private static final String CUTOUT_FUNCTION = "catalog_render_cutout_content";
  private static final String CACHE_COMPRESSION = "spark.sql.inMemoryColumnarStorage.compressed";

  /**
   * Unpersists the cached rows; waits for the tables' preparation, if the run ended before it did
   * (its failure, if any, was the run's or is of no use to it now).
   */
  void release() {
    cached.unpersist();
    if (tablesReady != null) {
      tablesReady.exceptionally(failure -> null).join();
    }
  }

  long rowsSkipped() {
    return rowsTotal - rowsToRender;
  }

  /**
   * @param crashed runs whose driver died: the rows they committed become live images first (a
   *     driver can die between a checkpoint's commit and its merge)
   * @param render whether the run renders (not a dry run): its tables are made ready beside the
   *     plan
   */
  static RenderPlan plan(
      SparkSession spark,
      RenderConfig config,
      OpenedRun opened,
      java.util.List<String> crashed,
      boolean render,
      Consumer<String> console) {
    Dataset<Row> planned = planned(spark, config, opened);
    String renders = config.run().warehouse().renders();
    boolean rendered = DeltaTable.isDeltaTable(spark, renders);
    if (rendered) {
      // before anything renders: a table of another schema version stops the run here, not at its
      // first commit after paying for a wave
      RendersTable.VERSIONED.ensure(spark, renders);
    }
    if (DeltaTable.isDeltaTable(spark, config.run().warehouse().runs())) {
      RunsTable.VERSIONED.ensure(spark, config.run().warehouse().runs());
      requireOneKindOfRuns(spark, config);
    }
    Dataset<Row> history = rendered ? spark.read().format("delta").load(renders) : null;
    Dataset<Row> todo;
    Dataset<Row> cached;
    String current = config.run().warehouse().currentImages();
    // a warehouse's first run: its two tables are created (Delta's create and log write, the
    // driver's work: the first wave's commit waited 1.7 s for the renders table's, 3x10^5 rows)
    // beside the plan's pass over the catalog, not before it and after it; the waves' commits and
    // the merges wait for them (so a first run's current_images is not ensured here)
    boolean firstRun = render && history == null && !DeltaTable.isDeltaTable(spark, current);
    boolean noLiveImages = firstRun || CurrentImagesTable.ensure(spark, current, history);
    CompletableFuture<CheckpointCommits> tablesReady =
        render
            ? CompletableFuture.supplyAsync(
                () -> {
                  if (firstRun) {
                    CurrentImagesTable.ensure(spark, current, null);
                  }
                  return rendersTableReady(spark, renders);
                },
                DriverThreads.ownThread("catalog-render-tables"))
            : null;
    if (!crashed.isEmpty() && history != null) {
      CurrentImagesTable.merge(
          spark, current, history.where(col("run_id").isin((Object[]) crashed.toArray())));
    }
    boolean skipsRows = !config.catalog().rerenderAll() && !noLiveImages;
    // every planned row renders in a warehouse's first run (and with --rerender-all): their count
    // is the plan's own, not a pass over the catalog of its own (0.7 s at 10^6 rows)
    Long catalogRows = skipsRows ? planned.count() : null;
    // the cache's column batches are not compressed: compressing them took 2.5 times the plan's
    // pass over the catalog without a cache (10^6 rows, local[2], warm: 1.5 s against 0.6 s), and
    // uncompressed the pass that fills it takes what one without it does (0.6 s), for 97 MiB of
    // storage memory instead of 67. Not cached, the rows were read from the catalog by each job
    // that needed them, and the first waves' layout took 1.9 s longer (10^5 rows, bench
    // --scale-simulated): each such query plans a Delta scan
    String compression = spark.conf().get(CACHE_COMPRESSION, null);
    spark.conf().set(CACHE_COMPRESSION, "false");
    java.util.List<Row> groups;
    Dataset<Row> grouped;
    try {
      if (skipsRows) {
        // a row is done when its SKU's live image has the same fingerprint
        Dataset<Row> done =
            spark.read().format("delta").load(current).select(col("sku"), col("input_hash"));
        cached =
            withInputHash(planned)
                .join(done, new String[] {"sku", "input_hash"}, "left_anti")
                .cache();
        todo = cached;
      } else {
        // no row is skipped, so none needs its input hash yet: the rows are hashed as they are
        // laid out into their waves (the first waves' before the render, the rest's beside it),
        // not all of them in the plan (3 microseconds a row: about 1.5 s of the plan at 10^6 rows
        // on 2 slots)
        cached = planned.cache();
        todo = withInputHash(cached);
      }
      // one pass over the planned rows fills the cache, counts them and groups them for the
      // estimate (a count, then the estimate's own pass over the cache: 10^6 rows, two scans); the
      // cache's batches are built by this job, with the setting above
      grouped = CostEstimate.groups(cached);
      groups = grouped.collectAsList();
    } finally {
      if (compression == null) {
        spark.conf().unset(CACHE_COMPRESSION);
      } else {
        spark.conf().set(CACHE_COMPRESSION, compression);
      }
    }
    long rowsToRender =
        groups.stream().mapToLong(g -> g.getLong(g.fieldIndex("rows_of_group"))).sum();
    long rowsTotal = catalogRows == null ? rowsToRender : catalogRows;
    console.accept(
        String.format(
            "run %s: %d catalog rows, %d to render, %d skipped (already rendered with the same inputs)%s",
            opened.runId(),
            rowsTotal,
            rowsToRender,
            rowsTotal - rowsToRender,
            config.catalog().rerenderAll() ? " [--rerender-all]" : ""));
    return new RenderPlan(
        todo,
        cached,
        rowsTotal,
        rowsToRender,
        spark.createDataFrame(groups, grouped.schema()),
        history,
        !noLiveImages,
        tablesReady);
  }

  /**
   * Makes the renders table ready for the waves' commits (created, or checked and evolved), before
   * the first wave's commit, so that two waves' commits never race to create it, and starts its
   * record of the commits from its version then.
   */
  private static CheckpointCommits rendersTableReady(SparkSession spark, String renders) {
    RendersTable.VERSIONED.ensure(spark, renders);
    return CheckpointCommits.fromNow(spark, renders);
  }

  /**
   * A warehouse holds real runs or simulated ones, never both: simulated rows' live images are flat
   * placeholders, and their costs are not the model's.
   */
  private static void requireOneKindOfRuns(SparkSession spark, RenderConfig config) {
    String runs = config.run().warehouse().runs();
    boolean simulated = config.model().simulated();
    long other =
        spark
            .read()
            .format("delta")
            .load(runs)
            .where(
                simulated
                    ? col("simulated_device_seconds").isNull()
                    : col("simulated_device_seconds").isNotNull())
            .count();
    if (other > 0) {
      throw new IllegalArgumentException(
          simulated
              ? "simulate_device_seconds="
                  + config.model().simulateDeviceSeconds()
                  + ": the warehouse "
                  + config.run().warehouse().root()
                  + " holds "
                  + other
                  + " real run(s); simulate into a warehouse of its own (--warehouse DIR, and"
                  + " --images DIR for its placeholder images)"
              : "The warehouse "
                  + config.run().warehouse().root()
                  + " holds "
                  + other
                  + " simulated run(s) (scale runs with flat placeholder images); render into"
                  + " another warehouse (--warehouse DIR)");
    }
  }

  /**
   * Selects the columns executors read, with the variant of each row ({@link #withInputHash} adds
   * its input hash).
   */
  private static Dataset<Row> planned(SparkSession spark, RenderConfig config, OpenedRun opened) {
    CatalogSelection selection = config.catalog();
    Dataset<Row> rows = opened.catalog();
    if (selection.where() != null) {
      try {
        rows = rows.where(selection.where());
        rows.schema();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "--where \""
                + selection.where()
                + "\" is not a valid filter on the catalog: "
                + firstLine(e.getMessage()),
            e);
      }
    }
    if (selection.limit() != null) {
      rows = rows.orderBy(col(CatalogSchema.SKU)).limit(selection.limit());
    }
    Column source =
        CatalogSchema.hasSourceImage(opened.catalog().schema())
            ? col(CatalogSchema.SOURCE_IMAGE)
            : lit(null).cast(DataTypes.StringType);
    Column width = col(CatalogSchema.WIDTH).cast(DataTypes.LongType);
    Column height = col(CatalogSchema.HEIGHT).cast(DataTypes.LongType);
    Column seed = col(CatalogSchema.SEED).cast(DataTypes.LongType);
    // the variant is decided here, once, by the Java rule; executors render what was planned
    VariantPolicy policy = config.model().variants();
    boolean gpu = opened.gpu();
    spark
        .udf()
        .register(
            VARIANT_FUNCTION,
            (UDF2<Long, Long, String>) (w, h) -> policy.choose(w, h, gpu).label(),
            DataTypes.StringType);
    // the fingerprint: one function, hashed here on the driver's plan (Spark runs the UDFs); the
    // executors build the map again for the rows they render (RenderSpec.fingerprint)
    Fingerprint fingerprint = opened.spec().fingerprint();
    spark
        .udf()
        .register(
            CUTOUT_FUNCTION,
            (UDF1<String, String>)
                path -> path == null ? null : ContentHash.of(path, ExecutorHadoop.get()),
            DataTypes.StringType);
    spark
        .udf()
        .register(
            INPUT_HASH_FUNCTION,
            (UDF7<String, String, Long, Long, Long, String, String, String>)
                (prompt, category, w, h, s, variant, cutout) ->
                    InputHash.of(fingerprint.row(prompt, category, w, h, s, variant, cutout)),
            DataTypes.StringType);
    Column variant = callUDF(VARIANT_FUNCTION, width, height);
    return rows.select(
            col(CatalogSchema.SKU).as("sku"),
            col(CatalogSchema.CATEGORY).as("category"),
            col(CatalogSchema.PROMPT).as("prompt"),
            width.as("width"),
            height.as("height"),
            seed.as("seed"),
            source.as("source_image"),
            variant.as("planned_variant"))
        .withColumn("cutout_content", callUDF(CUTOUT_FUNCTION, col("source_image")));
  }

  /**
   * {@code planned} rows ({@link #planned}) with their input hash (the function {@link #planned}
   * registers, of their columns), in {@link CatalogRow#PLANNED_COLUMNS} order.
   */
  private static Dataset<Row> withInputHash(Dataset<Row> planned) {
    return planned
        .withColumn(
            "input_hash",
            callUDF(
                INPUT_HASH_FUNCTION,
                col("prompt"),
                col("category"),
                col("width"),
                col("height"),
                col("seed"),
                col("planned_variant"),
                col("cutout_content")))
        .select(
            java.util.Arrays.stream(CatalogRow.PLANNED_COLUMNS)
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
