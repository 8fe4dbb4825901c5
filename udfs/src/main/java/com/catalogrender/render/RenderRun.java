package com.catalogrender.render;

import com.catalogrender.cost.CostEstimate;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.results.RunSummary;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.tables.RunsInProgress;
import com.catalogrender.task.RunMeters;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * One render run, as phases, each labelled in the Spark UI:
 *
 * <ol>
 *   <li>open ({@link OpenedRun}): the catalog and its schema, the model manifest, the executors'
 *       spec (settings and rates were checked when {@link RenderConfig} was parsed);
 *   <li>plan ({@link RenderPlan}): filter, plan each row's variant, hash its inputs, skip rows
 *       whose hash already has an ok render;
 *   <li>caption and render ({@link RenderPhase}): captions on the driver, rows on the executors,
 *       one Delta commit to {@code renders};
 *   <li>record ({@link RecordPhase}): sums, costs, the {@code runs} row, the contact sheet.
 * </ol>
 *
 * A dry run stops after planning with an estimate ({@link DryRun}).
 */
public final class RenderRun {
  private final SparkSession spark;
  private final RenderConfig config;
  private final Consumer<String> console;

  /**
   * A run of {@code config}; its {@code auto} model settings (steps, guidance, batch size,
   * full-precision threshold) are decided here, on the driver, by the model's manifest.
   */
  public RenderRun(SparkSession spark, RenderConfig config, Consumer<String> console) {
    this.spark = spark;
    this.config = forModel(spark, config);
    this.console = console;
  }

  /** {@code config} with its model settings decided by the model it renders with. */
  public static RenderConfig forModel(SparkSession spark, RenderConfig config) {
    ModelManifest manifest =
        ModelCache.manifest(config.model().location(), spark.sparkContext().hadoopConfiguration());
    return config.withModel(
        config
            .model()
            .forModel(
                manifest, OpenedRun.gpuScheduled(spark) && !config.tasks().gpuAddressesOnCpu()));
  }

  public RunSummary execute(String arguments) throws IOException {
    String runId = OpenedRun.newRunId();
    JobLabels labels = new JobLabels(spark.sparkContext(), runId);
    // every task attempt of the run, each phase's: when the driver worked alone
    TaskAttemptMeter runTasks = new TaskAttemptMeter();
    spark.sparkContext().addSparkListener(runTasks);
    try {
      OpenedRun opened = OpenedRun.open(spark, config, runId, labels);
      RenderPlan plan;
      labels.phase("plan (filter, hash, incremental)");
      RunsInProgress running =
          new RunsInProgress(config.run().warehouse(), spark.sparkContext().hadoopConfiguration());
      // runs whose driver died: their committed checkpoints count before anything is planned
      List<String> crashed = running.list();
      plan = RenderPlan.plan(spark, config, opened, crashed, !config.run().dryRun(), console);
      try {
        labels.phase("estimate (history, calibration)");
        CostEstimate estimate = RunEstimate.of(spark, config, opened, plan);
        if (config.run().dryRun()) {
          return DryRun.estimate(spark, config, runId, plan, estimate, console);
        }
        if (!crashed.isEmpty()) {
          console.accept(
              "resuming after run(s) that did not finish: "
                  + String.join(", ", crashed)
                  + "; images they uploaded but did not record are adopted, not rendered again");
          opened = opened.withSpec(opened.spec().withAdoption(true));
        }
        running.start(runId);
        boolean completed = false;
        try (CatalogRemovals removals = CatalogRemovals.of(spark, config, opened, plan, labels)) {
          RunMeters meters = RunMeters.register(spark.sparkContext(), runId);
          RenderPhase.Rendered rendered =
              new RenderPhase(spark, config, console, labels)
                  .render(opened, plan, estimate, meters, removals);
          labels.phase("record run");
          RunSummary summary =
              new RecordPhase(spark, config)
                  .record(
                      opened, plan, estimate, rendered, meters, removals, arguments, labels,
                      runTasks);
          if (config.run().database() != null) {
            labels.phase("register tables and views in database " + config.run().database());
            config.run().warehouse().registerViews(spark, null, config.run().database());
          }
          completed = true;
          return summary;
        } finally {
          List<String> done = new java.util.ArrayList<>(List.of(runId));
          if (completed) {
            done.addAll(crashed);
          }
          running.finish(done);
        }
      } finally {
        plan.release();
      }
    } finally {
      spark.sparkContext().removeSparkListener(runTasks);
      labels.clear();
    }
  }
}
