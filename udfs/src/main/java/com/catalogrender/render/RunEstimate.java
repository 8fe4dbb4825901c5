package com.catalogrender.render;

import com.catalogrender.cost.CostEstimate;
import com.catalogrender.cost.Rates;
import com.catalogrender.tables.RendersTable;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The run's cost estimate before it renders, from this model's history and the warehouse's
 * calibration table ({@link CostEstimate}); a dry run prints it, a budget reserves by it, and every
 * run records it next to its actual cost.
 */
final class RunEstimate {
  private RunEstimate() {}

  static CostEstimate of(
      SparkSession spark, RenderConfig config, OpenedRun opened, RenderPlan plan) {
    Dataset<Row> history =
        plan.history() == null
            ? null
            : plan.history().withColumn("executor_seconds", RendersTable.executorSeconds());
    String calibrationPath = config.run().warehouse().calibration();
    Dataset<Row> calibration =
        DeltaTable.isDeltaTable(spark, calibrationPath)
            ? spark.read().format("delta").load(calibrationPath)
            : null;
    Rates rates = config.run().rates();
    return CostEstimate.ofGroups(
        plan.groups(),
        history,
        calibration,
        new CostEstimate.Target(
            opened.manifest().modelId(),
            opened.manifest().version(),
            opened.gpu() ? rates.gpuDeviceClass() : rates.cpuDeviceClass()));
  }
}
