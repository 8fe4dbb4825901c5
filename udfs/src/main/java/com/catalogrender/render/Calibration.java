package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.catalog.CatalogSource;
import com.catalogrender.catalog.DemoCatalog;
import com.catalogrender.cost.SizeBucket;
import com.catalogrender.results.RunSummary;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.settings.RunSettings;
import com.catalogrender.tables.CalibrationTable;
import java.io.IOException;
import java.sql.Timestamp;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code calibrate}: renders a small generated catalog, a few batches per size, through the same
 * job a render runs (same model, variant policy, device, batch size, steps, tasks), in a scratch
 * warehouse under {@code <warehouse>/_calibration/}; warm-up passes are discarded until two in a
 * row agree on the marginal EUR per render within {@value #STEADY_CHANGE} (at most {@value
 * #MAX_WARM_UP_PASSES}), the next {@value #MEASURED_PASSES} are measured and pooled (a pass the
 * machine slowed down moves the medians less); per model, variant, device class and size bucket its
 * seconds and marginal EUR per render are appended to the warehouse's {@code calibration} table,
 * and the scratch files are removed. Estimates ({@code --dry-run}, budgets) read it where a catalog
 * row has no history.
 */
public final class Calibration {
  private static final String[][] PRODUCTS = {
    {"mugs", "mug"}, {"sneakers", "sneaker"}, {"bottles", "bottle"}, {"lamps", "lamp"}
  };
  private static final String[] COLOURS = {"red", "blue", "green", "white", "black", "yellow"};
  private static final String[] SURFACES = {"wood", "marble", "beach"};

  /** Passes measured after the warm-up, their renders pooled into each bucket's medians. */
  static final int MEASURED_PASSES = 2;

  /**
   * The warm-up ends when a pass's marginal EUR per render is within this of the pass before. One
   * fixed warm-up pass was not enough on a CI machine: the three runs after the calibration got
   * faster run by run (EUR 0.0000155, 0.0000115, 0.0000099 for the same 16 rows), and a second
   * calibration after them was 11-31% cheaper per bucket than the first: an estimate from the first
   * was off by -18.7%, one from the second by +7.5%.
   */
  static final double STEADY_CHANGE = 0.05;

  /** Warm-up passes at most, when the machine never settles. */
  static final int MAX_WARM_UP_PASSES = 5;

  private Calibration() {}

  /**
   * Where a calibration renders, and what.
   *
   * @param scratch the scratch directory under the warehouse, removed at the end
   * @param sizes output sizes {width, height} to calibrate, one per size bucket
   * @param rowsPerSize rows rendered per size in each measured pass
   */
  public record Plan(String warehouse, String scratch, List<long[]> sizes, int rowsPerSize) {
    public Plan {
      if (sizes.isEmpty()) {
        throw new IllegalArgumentException(
            "calibrate: no sizes to calibrate; give --sizes WxH,...");
      }
      if (rowsPerSize < 1) {
        throw new IllegalArgumentException(
            "calibrate: --rows-per-size must be at least 1, got " + rowsPerSize);
      }
    }

    /** The settings that point the render at the scratch catalog and warehouse. */
    public Map<String, String> overrides() {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put(CatalogSelection.CATALOG, scratch + "/catalog");
      settings.put(CatalogSelection.RERENDER_ALL, "true");
      settings.put("where", "");
      settings.put("limit", "");
      settings.put(RunSettings.WAREHOUSE, scratch + "/warehouse");
      settings.put("images", scratch + "/images");
      settings.put(RunSettings.DRY_RUN, "false");
      settings.put("budget_eur", "0");
      // caption cost depends on the rewriter and the prompts; estimates add no caption cost
      settings.put(CaptionSettings.REWRITER, CaptionSettings.TEMPLATE);
      return settings;
    }

    public String calibrationTable() {
      return warehouse + "/calibration";
    }
  }

  /** A plan under {@code warehouse}, timestamped so concurrent calibrations do not collide. */
  public static Plan plan(String warehouse, List<long[]> sizes, int rowsPerSize) {
    SimpleDateFormat stamp = new SimpleDateFormat("yyyyMMdd-HHmmss-SSS", Locale.ROOT);
    stamp.setTimeZone(TimeZone.getTimeZone("UTC"));
    String root =
        warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    return new Plan(root, root + "/_calibration/" + stamp.format(new Date()), sizes, rowsPerSize);
  }

  /**
   * One size per size bucket of a catalog: its most common output size in that bucket, so the
   * calibration covers exactly the buckets the catalog will render.
   */
  public static List<long[]> sizesOf(SparkSession spark, CatalogSelection selection) {
    Dataset<Row> catalog = CatalogSource.open(spark, selection.catalog());
    if (selection.where() != null) {
      catalog = catalog.where(selection.where());
    }
    Dataset<Row> counted =
        catalog
            .where(col("width").isNotNull().and(col("height").isNotNull()))
            .groupBy(col("width"), col("height"))
            .agg(count(lit(1)).as("rows"))
            .withColumn("size_bucket", SizeBucket.column(col("width"), col("height")));
    List<long[]> sizes = new ArrayList<>();
    for (Row row :
        counted
            .withColumn(
                "rank",
                row_number()
                    .over(
                        Window.partitionBy(col("size_bucket")).orderBy(desc("rows"), col("width"))))
            .where(col("rank").equalTo(1))
            .orderBy(col("width"))
            .collectAsList()) {
      sizes.add(
          new long[] {
            ((Number) row.getAs("width")).longValue(), ((Number) row.getAs("height")).longValue()
          });
    }
    return sizes;
  }

  /**
   * What a calibration measured: the rows appended to the calibration table.
   *
   * @param runId the measured passes' run ids, comma-separated (the table's {@code run_id})
   */
  public record Result(String runId, List<Row> rows) {}

  /**
   * Renders the plan with {@code scratchConfig} (the user's settings plus the plan's overrides).
   */
  public static Result run(
      SparkSession spark, RenderConfig scratchConfig, Plan plan, Consumer<String> console)
      throws IOException {
    Path scratch = new Path(plan.scratch());
    FileSystem fs = scratch.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try {
      spark
          .createDataFrame(catalogRows(plan), DemoCatalog.SCHEMA)
          .write()
          .format("delta")
          .save(plan.scratch() + "/catalog");
      // steps and batch size as the model decides them, recorded with the figures
      RenderConfig decided = RenderRun.forModel(spark, scratchConfig);
      warmUp(spark, scratchConfig, console);
      List<String> measured = new ArrayList<>();
      long ok = 0;
      for (int pass = 1; pass <= MEASURED_PASSES; pass++) {
        console.accept("calibrate: measured pass " + pass + "/" + MEASURED_PASSES);
        RunSummary run = new RenderRun(spark, scratchConfig, console).execute("calibrate");
        measured.add(run.runId());
        ok += run.rowsOk();
      }
      if (ok == 0) {
        throw new IllegalStateException(
            "calibrate: no render succeeded; see the failed rows' reasons in "
                + plan.scratch()
                + "/warehouse/renders");
      }
      Dataset<Row> renders =
          spark
              .read()
              .format("delta")
              .load(scratchConfig.run().warehouse().renders())
              .where(col("run_id").isin(measured.toArray()));
      String runIds = String.join(",", measured);
      List<Row> rows =
          CalibrationTable.append(
                  renders,
                  runIds,
                  decided.model().steps(),
                  decided.model().batchSize(),
                  plan.calibrationTable())
              .collectAsList();
      return new Result(runIds, rows);
    } finally {
      fs.delete(scratch, true);
    }
  }

  /**
   * Renders the calibration catalog, discarded, until two passes in a row agree on the marginal EUR
   * per render within {@link #STEADY_CHANGE} (the JIT, the model's graph optimisations and the
   * machine have settled), or {@link #MAX_WARM_UP_PASSES} passes; says which.
   */
  private static void warmUp(SparkSession spark, RenderConfig config, Consumer<String> console)
      throws IOException {
    double previous = Double.NaN;
    for (int pass = 1; pass <= MAX_WARM_UP_PASSES; pass++) {
      RunSummary run = new RenderRun(spark, config, console).execute("calibrate (warm-up)");
      double perRender = run.costPerRenderEur();
      double change = Math.abs(perRender / previous - 1);
      boolean steady = change <= STEADY_CHANGE;
      console.accept(
          String.format(
              Locale.ROOT,
              "calibrate: warm-up pass %d (discarded): EUR %.9f per render%s",
              pass,
              perRender,
              Double.isNaN(change)
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      ", %+.1f%% against the pass before%s",
                      (perRender / previous - 1) * 100,
                      steady ? ": steady" : "")));
      if (steady) {
        return;
      }
      previous = perRender;
    }
    console.accept(
        String.format(
            Locale.ROOT,
            "calibrate: WARNING the cost per render still moved more than %.0f%% between the last"
                + " two of %d warm-up passes: the machine is busy or its speed changes (other"
                + " processes, CPU frequency); figures measured now may not hold for a run",
            STEADY_CHANGE * 100,
            MAX_WARM_UP_PASSES));
  }

  private static List<Row> catalogRows(Plan plan) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    int n = 0;
    for (long[] size : plan.sizes()) {
      for (int i = 0; i < plan.rowsPerSize(); i++, n++) {
        String[] product = PRODUCTS[n % PRODUCTS.length];
        String prompt =
            COLOURS[n % COLOURS.length] + " " + product[1] + " on " + SURFACES[n % SURFACES.length];
        rows.add(
            org.apache.spark.sql.RowFactory.create(
                String.format(Locale.ROOT, "CALIBRATION-%dx%d-%03d", size[0], size[1], i),
                product[0],
                prompt,
                (int) size[0],
                (int) size[1],
                1000L + n,
                null,
                now));
      }
    }
    return rows;
  }
}
