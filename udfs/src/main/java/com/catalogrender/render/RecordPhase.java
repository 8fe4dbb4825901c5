package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.cost.CostEstimate;
import com.catalogrender.cost.FixedCosts;
import com.catalogrender.cost.Rates;
import com.catalogrender.cost.Reconciliation;
import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RunRecord;
import com.catalogrender.results.RunSummary;
import com.catalogrender.tables.RunsTable;
import com.catalogrender.task.RunMeters;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record phase: counts the run's rows by status, sums their cost and seconds, prices the fixed
 * costs by line ({@link FixedCosts}), reconciles the rows with the devices' busy clocks and Spark's
 * task time ({@link Reconciliation}), draws the contact sheet and appends the {@code runs} row.
 */
final class RecordPhase {
  private static final Logger LOG = LoggerFactory.getLogger(RecordPhase.class);
  private final SparkSession spark;
  private final RenderConfig config;

  RecordPhase(SparkSession spark, RenderConfig config) {
    this.spark = spark;
    this.config = config;
  }

  RunSummary record(
      OpenedRun opened,
      RenderPlan plan,
      CostEstimate estimate,
      RenderPhase.Rendered rendered,
      RunMeters meters,
      CatalogRemovals removals,
      String arguments,
      JobLabels labels,
      TaskAttemptMeter runTasks) {
    String runId = opened.runId();
    Dataset<Row> mine =
        plan.rowsToRender() == 0
            ? null
            : spark
                .read()
                .format("delta")
                .load(config.run().warehouse().renders())
                .where(col("run_id").equalTo(runId));
    if (removals != null) {
      // the whole catalog was planned: SKUs no longer in it keep their image, marked removed
      removals.mark(opened.started());
    }
    // what the run's rows add up to: summed as the waves were merged, beside the render; else
    // here, over the run's rows in renders
    boolean summedBeside = mine == null || rendered.sums() != null;
    RowSums sums = mine == null ? RowSums.NONE : summedBeside ? rendered.sums() : RowSums.of(mine);
    LOG.info(
        "Run {}: its rows' sums {}",
        runId,
        summedBeside ? "were summed as its waves merged" : "read from renders");
    RunSummary.RowCounts counts = counts(plan, sums.ok(), sums.failed(), sums.skippedBudget());
    // seconds the rows account for on executors: every stage but the caption (driver time)
    double rowTaskSeconds = sums.seconds().only(Stage.EXECUTOR).total();
    String contactSheet =
        mine == null
            ? null
            : ContactSheet.forRun(
                mine, config.images().root(), runId, config.run().contactSheetSize(), spark);
    Rates rates = config.run().rates();
    Map<String, DeviceClock.Reading> devices = meters.deviceClocks().value();
    double loadSeconds = meters.modelLoadSeconds().value();
    TaskAttemptMeter.Figures attempts = rendered.attempts();
    Set<Integer> stages = new HashSet<>(meters.renderStages().value());
    FixedCosts fixed =
        FixedCosts.of(
            new FixedCosts.Inputs(
                opened.gpu(),
                loadSeconds,
                attempts.successfulSeconds(stages),
                rowTaskSeconds + meters.deviceWaitSeconds().value(),
                devices.values(),
                attempts.otherStagesSeconds(stages),
                (System.nanoTime() - opened.startNanos()) / 1e9),
            rates);
    double clocks = meters.deviceClocks().busySeconds();
    double waitSeconds = meters.deviceWaitSeconds().value();
    StageValues rowSeconds = sums.seconds();
    Reconciliation reconciliation =
        new Reconciliation(
            rowSeconds.modelDevice(),
            clocks,
            Reconciliation.measuredLines(
                clocks,
                rowSeconds.get(Stage.CACHE),
                rowSeconds.get(Stage.POST),
                rowSeconds.get(Stage.IO),
                loadSeconds,
                waitSeconds),
            meters.taskSeconds().value(),
            attempts.successfulSeconds(stages),
            attempts.otherStagesSeconds(stages),
            attempts.wastedSeconds(),
            attempts.failed());
    reconciliation.problems().forEach(p -> LOG.warn("Run {} does not reconcile: {}", runId, p));
    List<Double> busy = meters.deviceBusySharePerTask().value();
    List<String> lost = rendered.executorsLost();
    // the phases up to now, recording included (what follows is the runs row's commit)
    Map<String, Double> phaseSeconds = labels.seconds();
    List<JobLabels.Stretch> stretches = labels.stretches();
    double wallSeconds = (System.nanoTime() - opened.startNanos()) / 1e9;
    double renderStageSeconds = attempts.spanSeconds(stages);
    TaskAttemptMeter.Figures runFigures = runTasks.figures();
    LOG.info(
        "Run {}: longest stretches without a render task: {}",
        runId,
        longestGaps(stretches, runFigures, stages, 12));
    RunSummary summary =
        new RunSummary(
            runId,
            counts,
            new RunSummary.Work(
                sums.executors().size(),
                meters.modelLoads().value(),
                wallSeconds,
                rendered.seconds(),
                renderStageSeconds,
                rendered.captionSeconds(),
                rendered.captionWaitSeconds(),
                Math.max(0, rendered.wavesSeconds() - renderStageSeconds),
                phaseSeconds,
                outsideRenderStages(
                    stretches, attempts, stages, Math.max(0, wallSeconds - renderStageSeconds)),
                outsideRenderStageTasks(stretches, runFigures, stages),
                runFigures.otherTaskSecondsDuringRenderStages(stages)),
            new RunSummary.Locations(
                config.images().root(),
                config.run().warehouse().renders(),
                config.run().warehouse().runs(),
                contactSheet),
            new RunSummary.CostFigures(sums.eur(), fixed, reconciliation, devices),
            new RunSummary.BudgetFigures(config.budget().eur(), rendered.budgetSpentEur()),
            rendered.captions(),
            new EmbeddingFigures(
                config.embeddingCache().describe(),
                meters.embeddingHits().value(),
                meters.embeddingMisses().value(),
                meters.embeddingFailures().value()),
            new RunSummary.ClusterFigures(
                lost.size(),
                lost.isEmpty() ? null : String.join("; ", lost),
                busy.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                busy.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                waitSeconds));
    RunsTable.append(
        spark,
        config.run().warehouse().runs(),
        new RunRecord(
            summary,
            opened.started(),
            new Timestamp(System.currentTimeMillis()),
            config.catalog().catalog(),
            opened.manifest().modelId(),
            opened.manifest().version(),
            spark.sparkContext().master(),
            spark.sparkContext().applicationId(),
            arguments,
            config.redactedSettings(),
            rates.text(),
            new RunRecord.ModelFetch(
                meters.modelFetch().fetches().value(),
                meters.modelFetch().seconds().value(),
                meters.modelFetch().cacheBytes().count() == 0
                    ? 0
                    : Math.round(meters.modelFetch().cacheBytes().avg())),
            attempts(attempts, summary, rates.taskEurPerSecond(opened.gpu())),
            estimate,
            sums.adopted(),
            config.model().simulated() ? config.model().simulateDeviceSeconds() : null));
    return summary;
  }

  private static RunSummary.RowCounts counts(
      RenderPlan plan, long ok, long failed, long skippedBudget) {
    return new RunSummary.RowCounts(
        plan.rowsTotal(), ok, failed, plan.rowsSkipped(), skippedBudget);
  }

  /** Spark's attempts, their waste at the task's device rate, and the all-in cost per render. */
  private static RunRecord.Attempts attempts(
      TaskAttemptMeter.Figures figures, RunSummary summary, double taskRate) {
    double wastedEur = figures.wastedSeconds() * taskRate;
    long ok = summary.rows().ok();
    return new RunRecord.Attempts(
        figures.attempts(),
        figures.failed(),
        figures.taskSeconds(),
        figures.wastedSeconds(),
        wastedEur,
        figures.wastedReasons(),
        ok == 0
            ? 0
            : (summary.costs().marginalEur() + summary.costs().fixedEur() + wastedEur) / ok);
  }

  /**
   * Per phase, its seconds during which no render task ran; the driver seconds left over (recording
   * the run after its last label) go to {@code record run}, so the values add up to {@code
   * driverSeconds}.
   */
  static Map<String, Double> outsideRenderStages(
      List<JobLabels.Stretch> stretches,
      TaskAttemptMeter.Figures attempts,
      Set<Integer> stages,
      double driverSeconds) {
    Map<String, Double> outside = new java.util.LinkedHashMap<>();
    for (JobLabels.Stretch stretch : stretches) {
      double seconds =
          (stretch.endMillis() - stretch.startMillis()) / 1000.0
              - attempts.coveredSeconds(stages, stretch.startMillis(), stretch.endMillis());
      outside.merge(stretch.phase(), Math.max(0, seconds), Double::sum);
    }
    double labelled = outside.values().stream().mapToDouble(Double::doubleValue).sum();
    outside.merge("record run", Math.max(0, driverSeconds - labelled), Double::sum);
    return Map.copyOf(outside);
  }

  /**
   * The {@code most} longest stretches with no render task, longest first, each as {@code phase
   * @offset: seconds (alone seconds)}: the offset from the first phase's start, alone the part
   * with no task of any stage. Where the driver's seconds outside the render go, for a reader of
   * the log.
   */
  static String longestGaps(
      List<JobLabels.Stretch> stretches,
      TaskAttemptMeter.Figures tasks,
      Set<Integer> renderStages,
      int most) {
    if (stretches.isEmpty()) {
      return "none";
    }
    long origin = stretches.get(0).startMillis();
    record Gap(String phase, long from, long to, long aloneMillis) {}
    List<Gap> gaps = new ArrayList<>();
    for (JobLabels.Stretch stretch : stretches) {
      for (long[] gap : tasks.uncovered(renderStages, stretch.startMillis(), stretch.endMillis())) {
        long alone =
            tasks.uncovered(tasks.spanMillisByStage().keySet(), gap[0], gap[1]).stream()
                .mapToLong(g -> g[1] - g[0])
                .sum();
        gaps.add(new Gap(stretch.phase(), gap[0], gap[1], alone));
      }
    }
    StringBuilder text = new StringBuilder();
    gaps.stream()
        .sorted(java.util.Comparator.comparingLong((Gap g) -> g.from() - g.to()))
        .limit(most)
        .forEach(
            g ->
                text.append(text.length() == 0 ? "" : "; ")
                    .append(
                        String.format(
                            java.util.Locale.ROOT,
                            "%s @%.1f: %.2f s (alone %.2f)",
                            g.phase(),
                            (g.from() - origin) / 1000.0,
                            (g.to() - g.from()) / 1000.0,
                            g.aloneMillis() / 1000.0)));
    return text.append(" (of ").append(gaps.size()).append(")").toString();
  }

  /**
   * What ran during each phase's seconds outside the render stages ({@code tasks}: the run's every
   * task attempt, of every stage; {@code renderStages} among them).
   */
  static Map<String, RunSummary.PhaseTasks> outsideRenderStageTasks(
      List<JobLabels.Stretch> stretches,
      TaskAttemptMeter.Figures tasks,
      Set<Integer> renderStages) {
    Map<String, RunSummary.PhaseTasks> phases = new java.util.LinkedHashMap<>();
    for (JobLabels.Stretch stretch : stretches) {
      phases.merge(
          stretch.phase(),
          tasks.outsideRenderStages(renderStages, stretch.startMillis(), stretch.endMillis()),
          RunSummary.PhaseTasks::plus);
    }
    return Map.copyOf(phases);
  }
}
