package com.catalogrender.jobs;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.cost.CostChart;
import com.catalogrender.measure.Stage;
import com.catalogrender.tables.Warehouse;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cost-report [--warehouse DIR] [--run ID]}: the stage table of a run (latest by default) in
 * the seed's layout, its cost per render and reconciliation, and a PNG bar chart of share of time
 * vs share of cost per stage, written next to the run's images.
 */
@Command(name = "cost-report")
final class CostReportCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Override
  public String metastoreWarehouse() {
    return TableLocations.metastoreWarehouse(new OptionTable(spec));
  }

  @Override
  public int run(SparkSession spark) throws Exception {
    OptionTable o = new OptionTable(spec);
    Warehouse tables = TableLocations.warehouse(o);
    for (String path : List.of(tables.renders(), tables.runs())) {
      if (!DeltaTable.isDeltaTable(spark, path)) {
        throw new IllegalArgumentException("No table at " + path + "; render something first");
      }
    }
    TableLocations.register(spark, o);
    spark
        .sparkContext()
        .setJobGroup("catalog-render cost-report", "catalog-render: cost report", false);
    String runId = o.get("--run");
    List<Row> runRows =
        (runId == null
                ? spark.table("runs").where(col("rows_ok").gt(0)).orderBy(col("ended_at").desc())
                : spark.table("runs").where(col("run_id").equalTo(runId)))
            .limit(1)
            .collectAsList();
    if (runRows.isEmpty()) {
      throw new IllegalArgumentException(
          runId == null
              ? "No run with ok renders in " + tables.renders()
              : "No run '" + runId + "' in " + tables.renders());
    }
    Row run = runRows.get(0);
    runId = run.getAs("run_id");
    List<Row> stages =
        spark
            .sql(
                "SELECT stage, seconds, cost_eur, share_of_time, share_of_cost FROM stage_breakdown WHERE run_id = '"
                    + runId.replace("'", "''")
                    + "'")
            .collectAsList();
    long ok = run.getAs("rows_ok");
    double fixed = run.getAs("fixed_cost_eur");
    Double wasted = optional(run, "wasted_eur");
    System.out.printf(
        "run %s: %d ok renders; EUR per render: marginal %.7f, fixed %.7f (model loads, idle"
            + " devices, the job's other tasks, driver), wasted %s (failed task attempts), all-in %s%n",
        runId,
        ok,
        (double) run.getAs("cost_per_render_eur"),
        fixed / ok,
        wasted == null ? "-" : String.format(java.util.Locale.ROOT, "%.7f", wasted / ok),
        wasted == null
            ? "-"
            : String.format(
                java.util.Locale.ROOT, "%.7f", (double) run.getAs("all_in_cost_per_render_eur")));
    System.out.printf(
        "%-14s %14s %11s %14s %11s%n",
        "Stage", "% of wall time", "% of cost", "EUR/render", "s/render");
    List<CostChart.Share> shares = new ArrayList<>();
    for (Stage each : Stage.values()) {
      String stage = each.label();
      for (Row r : stages) {
        if (r.getString(0).equals(stage)) {
          double time = r.isNullAt(3) ? 0 : r.getDouble(3);
          double cost = r.isNullAt(4) ? 0 : r.getDouble(4);
          System.out.printf(
              "%-14s %13.1f%% %10.1f%% %14.7f %11.4f%n",
              stage, 100 * time, 100 * cost, r.getDouble(2) / ok, r.getDouble(1) / ok);
          shares.add(new CostChart.Share(stage, time, cost));
        }
      }
    }
    Map<String, Double> fixedLines = optionalMap(run, "fixed_costs_eur");
    if (fixedLines != null) {
      StringBuilder lines = new StringBuilder();
      fixedLines.forEach(
          (line, eur) ->
              lines.append(
                  String.format(
                      java.util.Locale.ROOT,
                      "%s%s %.7f",
                      lines.length() == 0 ? "" : ", ",
                      line,
                      eur / ok)));
      System.out.printf(
          "fixed EUR per render by line: %s; wasted %s%n",
          lines, wasted == null ? "-" : String.format(java.util.Locale.ROOT, "%.7f", wasted / ok));
    }
    double rows = run.getAs("device_seconds_rows");
    double measured = run.getAs("device_seconds_measured");
    System.out.printf(
        "device-seconds: rows %.3f, devices' busy clocks %.3f (%.2f%%)%n",
        rows, measured, measured > 0 ? 100 * rows / measured : 100.0);
    Double accounted = optional(run, "task_seconds_accounted");
    Map<String, Double> accounting = optionalMap(run, "time_accounting_seconds");
    if (accounted != null && accounting != null) {
      double sparkSeconds = run.getAs("spark_task_seconds");
      System.out.printf(
          "task seconds: Spark %.3f, accounted %.3f (%.2f%%) = %s%n",
          sparkSeconds,
          accounted,
          sparkSeconds > 0 ? 100 * accounted / sparkSeconds : 100.0,
          accounting.entrySet().stream()
              .map(e -> String.format(java.util.Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
              .collect(java.util.stream.Collectors.joining(" + ")));
    }
    Map<String, String> config = run.getJavaMap(run.fieldIndex("config"));
    String images = config.getOrDefault("images", DemoPaths.IMAGES);
    Path target =
        new Path((images.endsWith("/") ? images : images + "/") + "cost-report-" + runId + ".png");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(
        CostChart.draw("catalog-render run " + runId + ": share of time vs share of cost", shares),
        "png",
        png);
    FileSystem fs =
        com.catalogrender.io.ImageFileSystems.of(
            target, spark.sparkContext().hadoopConfiguration());
    try (OutputStream out = fs.create(target, true)) {
      out.write(png.toByteArray());
    }
    System.out.println("chart: " + fs.makeQualified(target));
    return 0;
  }

  @Override
  public String options() {
    return TableLocations.OPTIONS
        + """
          --run  ID  text  -  the run (default: the latest with ok renders)
          """;
  }

  /** A map column of runs that older rows may lack or hold null. */
  private static Map<String, Double> optionalMap(Row run, String column) {
    if (!java.util.Arrays.asList(run.schema().fieldNames()).contains(column)
        || run.isNullAt(run.fieldIndex(column))) {
      return null;
    }
    return new java.util.LinkedHashMap<>(run.<String, Double>getJavaMap(run.fieldIndex(column)));
  }

  /** A column of runs that older rows may lack or hold null. */
  private static Double optional(Row run, String column) {
    if (!java.util.Arrays.asList(run.schema().fieldNames()).contains(column)
        || run.isNullAt(run.fieldIndex(column))) {
      return null;
    }
    return run.getDouble(run.fieldIndex(column));
  }
}
