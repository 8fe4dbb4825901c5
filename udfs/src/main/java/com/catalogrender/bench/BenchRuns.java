package com.catalogrender.bench;

import com.catalogrender.measure.Stage;
import com.catalogrender.render.RenderConfig;
import com.catalogrender.render.RenderRun;
import com.catalogrender.results.RenderStatus;
import com.catalogrender.results.RunSummary;
import com.catalogrender.runtime.ModelRegistry;
import com.catalogrender.tables.RendersTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Render runs of a benchmark: each profile gets its own warehouse and images under the bench's work
 * folder and pays its own model loads; per-stage means are read back from its renders.
 */
public record BenchRuns(SparkSession spark, Path work, Path model) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A catalog path under the work folder. */
  public String catalog(String name) {
    return work.resolve("catalog-" + name).toString();
  }

  /** Renders {@code catalog} as profile {@code name} with the demo settings plus {@code extra}. */
  public RunSummary render(String name, String catalog, int steps, Map<String, String> extra)
      throws IOException {
    ModelRegistry.executorWide().closeAll(); // every profile pays its own model loads
    Map<String, String> settings = new HashMap<>();
    settings.put("catalog", catalog);
    settings.put("warehouse", work.resolve(name + "/warehouse").toString());
    settings.put("images", work.resolve(name + "/images").toString());
    settings.put("model_dir", model.toString());
    settings.put("steps", Integer.toString(steps));
    settings.put("contact_sheet_size", "0");
    settings.putAll(extra);
    return new RenderRun(spark, RenderConfig.parse(settings), line -> {}).execute("bench " + name);
  }

  /** Mean seconds per ok render by stage. */
  public ObjectNode stageSeconds(String name, String runId) {
    return perStage(name, runId, RendersTable::secondsColumn);
  }

  /** Mean EUR per ok render by stage, and their total. */
  public ObjectNode stageCost(String name, String runId) {
    ObjectNode node = perStage(name, runId, RendersTable::costColumn);
    double total = 0;
    for (Stage stage : Stage.values()) {
      total += node.get(stage.label()).asDouble();
    }
    node.put("total", total);
    return node;
  }

  /**
   * The embedding cache's seconds (lookups and writes: the Redis round trips) per batch of a run's
   * ok renders: each row carries its batch's cache seconds split over the batch's rows.
   */
  public double cacheSecondsPerBatch(String name, String runId) {
    Row row =
        spark
            .read()
            .format("delta")
            .load(work.resolve(name + "/warehouse/renders").toString())
            .where(
                "status = '"
                    + RenderStatus.OK.label()
                    + "' AND run_id = '"
                    + runId.replace("'", "")
                    + "'")
            .selectExpr(
                "sum(" + RendersTable.secondsColumn(Stage.CACHE) + ")",
                "sum(cast(1 as double) / batch_size)")
            .first();
    return row.isNullAt(0) || row.isNullAt(1) || row.getDouble(1) == 0
        ? 0
        : row.getDouble(0) / row.getDouble(1);
  }

  private ObjectNode perStage(String name, String runId, Function<Stage, String> column) {
    StringBuilder select = new StringBuilder();
    for (Stage stage : Stage.values()) {
      select.append(select.length() == 0 ? "" : ", ");
      select.append("avg(").append(column.apply(stage)).append(")");
    }
    spark
        .read()
        .format("delta")
        .load(work.resolve(name + "/warehouse/renders").toString())
        .createOrReplaceTempView("bench_renders");
    Row row =
        spark
            .sql(
                "SELECT "
                    + select
                    + " FROM bench_renders WHERE status = '"
                    + RenderStatus.OK.label()
                    + "' AND run_id = '"
                    + runId
                    + "'")
            .first();
    ObjectNode node = JSON.createObjectNode();
    for (Stage stage : Stage.values()) {
      int i = stage.ordinal();
      node.put(stage.label(), row.isNullAt(i) ? 0 : row.getDouble(i));
    }
    return node;
  }

  static double round(double value) {
    return Math.round(value * 10000.0) / 10000.0;
  }
}
