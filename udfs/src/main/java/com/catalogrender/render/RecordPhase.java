package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.catalogrender.cost.Rates;
import com.catalogrender.measure.Stage;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RenderStatus;
import com.catalogrender.results.RunRecord;
import com.catalogrender.results.RunSummary;
import com.catalogrender.tables.RendersTable;
import com.catalogrender.tables.RunsTable;
import com.catalogrender.task.RunMeters;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The record phase: counts the run's rows by status, sums their cost and seconds, prices the fixed
 * costs (model loads, and task time no row accounts for, at the rate of the devices the tasks
 * held), draws the contact sheet and appends the {@code runs} row.
 */
final class RecordPhase {
  private final SparkSession spark;
  private final RenderConfig config;

  RecordPhase(SparkSession spark, RenderConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** What the run's rows in {@code renders} add up to. */
  private record RowTotals(
      RunSummary.RowCounts counts,
      long executors,
      double marginalEur,
      double deviceSeconds,
      double taskRowSeconds) {}

  RunSummary record(
      OpenedRun opened,
      RenderPlan plan,
      RenderPhase.Rendered rendered,
      RunMeters meters,
      String arguments) {
    String runId = opened.runId();
    Dataset<Row> mine =
        plan.rowsToRender() == 0
            ? null
            : spark
                .read()
                .format("delta")
                .load(config.run().warehouse().renders())
                .where(col("run_id").equalTo(runId));
    RowTotals totals =
        mine == null ? new RowTotals(counts(plan, 0, 0, 0), 0, 0, 0, 0) : totals(mine, plan);
    String contactSheet =
        mine == null
            ? null
            : ContactSheet.forRun(
                mine, config.images().root(), runId, config.run().contactSheetSize(), spark);
    double idleSeconds = Math.max(0, meters.taskSeconds().value() - totals.taskRowSeconds());
    Rates rates = config.run().rates();
    double loadRate =
        opened.gpu()
            ? rates.deviceEurPerSecond(rates.gpuDeviceClass())
            : rates.deviceEurPerSecond(rates.cpuDeviceClass()) * rates.cpuCoresPerTask();
    double loadSeconds = meters.modelLoadSeconds().value();
    List<Double> busy = meters.deviceBusySharePerTask().value();
    List<String> lost = rendered.executorsLost();
    RunSummary summary =
        new RunSummary(
            runId,
            totals.counts(),
            new RunSummary.Work(
                totals.executors(),
                meters.modelLoads().value(),
                (System.nanoTime() - opened.startNanos()) / 1e9,
                rendered.seconds()),
            new RunSummary.Locations(
                config.images().root(),
                config.run().warehouse().renders(),
                config.run().warehouse().runs(),
                contactSheet),
            new RunSummary.CostFigures(
                totals.marginalEur(),
                (loadSeconds + idleSeconds) * loadRate
                    // the driver's caption phase (waiting for the gateway, retries) on one core
                    + rendered.captions().seconds()
                        * rates.deviceEurPerSecond(rates.cpuDeviceClass()),
                loadSeconds,
                idleSeconds,
                totals.deviceSeconds(),
                meters.deviceSeconds().value()),
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
                meters.deviceWaitSeconds().value()));
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
            attempts(rendered.attempts(), summary, loadRate)));
    return summary;
  }

  private static RunSummary.RowCounts counts(
      RenderPlan plan, long ok, long failed, long skippedBudget) {
    return new RunSummary.RowCounts(
        plan.rowsTotal(), ok, failed, plan.rowsSkipped(), skippedBudget);
  }

  private static RowTotals totals(Dataset<Row> mine, RenderPlan plan) {
    Row sums =
        mine.agg(
                count(RenderStatus.OK),
                count(RenderStatus.FAILED),
                count(RenderStatus.SKIPPED_BUDGET),
                countDistinct(col("executor_id")),
                sum(col("cost_eur")),
                sum(seconds(Stage.MODEL)),
                // what tasks spent on rows: every stage but the caption, which is driver time
                sum(seconds(java.util.EnumSet.complementOf(java.util.EnumSet.of(Stage.CAPTION)))))
            .first();
    return new RowTotals(
        counts(plan, longOrZero(sums, 0), longOrZero(sums, 1), longOrZero(sums, 2)),
        sums.getLong(3),
        doubleOrZero(sums, 4),
        doubleOrZero(sums, 5),
        doubleOrZero(sums, 6));
  }

  private static Column count(RenderStatus status) {
    return sum(when(col("status").equalTo(status.label()), 1).otherwise(0));
  }

  /** The sum of the rows' seconds over {@code stages}, one column per stage from the table. */
  private static Column seconds(Set<Stage> stages) {
    Column total = lit(0.0);
    for (Stage stage : Stage.values()) {
      if (stages.contains(stage)) {
        total = total.plus(col(RendersTable.secondsColumn(stage)));
      }
    }
    return total;
  }

  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  private static double doubleOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getDouble(i);
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
}
