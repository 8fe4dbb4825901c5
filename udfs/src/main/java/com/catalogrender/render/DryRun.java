package com.catalogrender.render;

import com.catalogrender.cost.CostEstimate;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RunSummary;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** A dry run: what would render, its estimated cost and time; nothing renders or is recorded. */
final class DryRun {
  private DryRun() {}

  static RunSummary estimate(
      SparkSession spark,
      RenderConfig config,
      String runId,
      RenderPlan plan,
      CostEstimate estimate,
      Consumer<String> console) {
    estimate.requireComplete("A dry run");
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    console.accept(
        String.format(
            "dry run: %d rows would render (%d skipped); estimated marginal EUR %.6f in total, %.7f"
                + " per render (rows estimated from %s); ETA %.0fs on %d task slots",
            plan.rowsToRender(),
            plan.rowsSkipped(),
            estimate.totalEur(),
            estimate.eurPerRender(),
            estimate.sources(),
            estimate.totalSeconds() / slots,
            slots));
    return new RunSummary(
        runId,
        new RunSummary.RowCounts(plan.rowsTotal(), 0, 0, plan.rowsSkipped(), plan.rowsToRender()),
        new RunSummary.Work(
            0, 0, 0, 0, 0, 0, 0, 0, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), 0),
        new RunSummary.Locations(
            config.images().root(),
            config.run().warehouse().renders(),
            config.run().warehouse().runs(),
            null),
        RunSummary.CostFigures.marginalOnly(estimate.totalEur()),
        new RunSummary.BudgetFigures(0, 0),
        CaptionFigures.none(config.captions().rewriter()),
        EmbeddingFigures.OFF,
        RunSummary.ClusterFigures.NONE);
  }
}
