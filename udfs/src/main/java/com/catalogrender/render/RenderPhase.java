package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import com.catalogrender.budget.BudgetLedger;
import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.cost.CostEstimate;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.io.ImageStore;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.tables.CurrentImagesTable;
import com.catalogrender.tables.RendersTable;
import com.catalogrender.task.PartitionRenderer;
import com.catalogrender.task.RenderSpec;
import com.catalogrender.task.RunMeters;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caption and render phases: captions for the planned rows (driver), then every row through
 * {@link PartitionRenderer} on the executors, in waves ({@link CheckpointWaves}), each wave
 * appended to {@code renders} in one idempotent Delta commit (a checkpoint) and merged into {@code
 * current_images}, under the run's budget when it has one. Temporary image files of lost attempts
 * are swept after.
 */
final class RenderPhase {
  private static final Logger LOG = LoggerFactory.getLogger(RenderPhase.class);

  /**
   * What the phase did.
   *
   * @param executorsLost Spark's reason for each executor lost while rendering
   * @param budgetSpentEur what the budget ledger recorded as spent (0 without a budget)
   * @param seconds wall seconds of the captions and the render
   * @param captionSeconds wall seconds of the caption phase
   * @param wavesSeconds wall seconds of the waves: their render stages, Delta commits and merges
   * @param attempts Spark's record of the render's task attempts
   */
  record Rendered(
      CaptionFigures captions,
      List<String> executorsLost,
      double budgetSpentEur,
      double seconds,
      double captionSeconds,
      double wavesSeconds,
      TaskAttemptMeter.Figures attempts) {}

  /** The column that says which checkpoint wave a row renders in. */
  private static final String WAVE = "checkpoint_wave";

  private final SparkSession spark;
  private final RenderConfig config;
  private final Consumer<String> console;
  private final JobLabels labels;

  RenderPhase(SparkSession spark, RenderConfig config, Consumer<String> console, JobLabels labels) {
    this.spark = spark;
    this.config = config;
    this.console = console;
    this.labels = labels;
  }

  Rendered render(OpenedRun opened, RenderPlan plan, CostEstimate estimate, RunMeters meters)
      throws IOException {
    long start = System.nanoTime();
    if (plan.rowsToRender() == 0) {
      return new Rendered(
          CaptionFigures.none(config.captions().rewriter()),
          List.of(),
          0,
          0,
          0,
          0,
          TaskAttemptMeter.Figures.none());
    }
    SparkContext context = spark.sparkContext();
    RenderSpec spec = opened.spec();
    BudgetLedger ledger = null;
    if (config.budget().limited()) {
      estimate.requireComplete("The budget");
      ledger =
          BudgetLedger.start(
              config.budget().eur(), spark.conf().get("spark.driver.host", "127.0.0.1"));
      spec =
          spec.withBudget(
              new RenderSpec.BudgetSpec(ledger.url(), ledger.secret(), estimate.eurPerRender()));
    }
    ExecutorLossListener losses = new ExecutorLossListener();
    TaskAttemptMeter attempts = new TaskAttemptMeter();
    CaptionPhase.Outcome captions;
    double captionSeconds;
    double wavesSeconds = 0;
    try {
      labels.phase("captions (" + config.captions().rewriter() + ", distinct prompts)");
      long captionStart = System.nanoTime();
      captions = captions(plan.todo(), opened.manifest());
      captionSeconds = (System.nanoTime() - captionStart) / 1e9;
      console.accept(CaptionPhase.describe(captions.figures()));
      if (ledger != null) {
        // the driver's time so far (plan, captions) is a fixed cost the budget covers
        ledger.chargeFixed(
            (System.nanoTime() - opened.startNanos())
                / 1e9
                * config.run().rates().driverEurPerSecond());
      }
      Dataset<Row> captioned = CaptionPhase.join(plan.todo(), captions);
      long rows = plan.rowsToRender();
      int waves =
          CheckpointWaves.of(
              rows,
              config.run().checkpointRows(),
              config.run().checkpointSeconds(),
              estimate,
              spark.sparkContext().defaultParallelism());
      Dataset<Row> waved =
          waves == 1
              ? captioned.withColumn(WAVE, lit(0))
              : captioned.withColumn(WAVE, wave(waves)).cache();
      int partitions = partitions((rows + waves - 1) / waves);
      try (RenderProgress progress =
          new RenderProgress(meters.rowsDone().id(), plan.rowsToRender(), console, 2000)) {
        context.addSparkListener(progress);
        context.addSparkListener(losses);
        context.addSparkListener(attempts);
        ReservationRelease releases = ledger == null ? null : new ReservationRelease(ledger);
        if (releases != null) {
          context.addSparkListener(releases);
        }
        long wavesStart = System.nanoTime();
        try {
          for (int wave = 0; wave < waves; wave++) {
            labels.phase(
                String.format(
                    "render wave %d/%d (about %d rows) in %d tasks",
                    wave + 1, waves, (rows + waves - 1) / waves, partitions));
            Dataset<Row> results =
                BatchLayout.of(
                        waved.where(col(WAVE).equalTo(wave)).drop(WAVE),
                        partitions,
                        config.model().batchSize())
                    .mapPartitions(
                        new PartitionRenderer(spec, meters), Encoders.row(RendersTable.SCHEMA));
            RendersTable.appendCheckpoint(
                results, config.run().warehouse().renders(), opened.runId(), wave);
            // a checkpoint: the wave's rows are committed; the live images follow them (only this
            // wave's rows: merging the run's earlier waves again would rewrite them every wave)
            CurrentImagesTable.merge(
                spark,
                config.run().warehouse().currentImages(),
                spark
                    .read()
                    .format("delta")
                    .load(config.run().warehouse().renders())
                    .where(
                        col("run_id")
                            .equalTo(opened.runId())
                            .and(waves == 1 ? lit(true) : wave(waves).equalTo(wave))));
            LOG.info("Checkpoint {}/{} of run {} committed", wave + 1, waves, opened.runId());
          }
          wavesSeconds = (System.nanoTime() - wavesStart) / 1e9;
        } finally {
          context.removeSparkListener(progress);
          context.removeSparkListener(losses);
          context.removeSparkListener(attempts);
          if (releases != null) {
            context.removeSparkListener(releases);
          }
        }
      }
    } finally {
      if (ledger != null) {
        ledger.close();
      }
    }
    sweep(opened.runId());
    return new Rendered(
        captions.figures(),
        losses.lost(),
        ledger == null ? 0 : ledger.spent(),
        (System.nanoTime() - start) / 1e9,
        captionSeconds,
        wavesSeconds,
        attempts.figures());
  }

  /**
   * A row's wave among {@code waves}: from its fingerprint and SKU, so the same rows form the same
   * waves, and a committed row's wave can be found again in {@code renders}.
   */
  private static Column wave(int waves) {
    return pmod(xxhash64(col("input_hash"), col("sku")), lit(waves));
  }

  private CaptionPhase.Outcome captions(Dataset<Row> rows, ModelManifest manifest) {
    try (CaptionRewriter rewriter =
        CaptionPhase.rewriterFor(
            config.captions(), manifest, spark.sparkContext().hadoopConfiguration())) {
      return new CaptionPhase(
              config.captions(), rewriter, config.run().rates(), config.testing().ticker())
          .run(spark, rows);
    }
  }

  private int partitions(long rows) {
    if (config.run().partitions() > 0) {
      return config.run().partitions();
    }
    int batchSize = config.model().batchSize();
    long batches = (rows + batchSize - 1) / batchSize;
    int parallelism = spark.sparkContext().defaultParallelism();
    return (int) Math.max(1, Math.min(batches, parallelism));
  }

  private void sweep(String runId) {
    try {
      int swept =
          new ImageStore(config.images().root(), spark.sparkContext().hadoopConfiguration())
              .sweepTemporary(runId);
      if (swept > 0) {
        LOG.info("Removed {} temporary image files left by lost task attempts", swept);
      }
    } catch (IOException e) {
      LOG.warn("Could not sweep temporary image files under {}", config.images().root(), e);
    }
  }
}
