package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import com.catalogrender.budget.BudgetLedger;
import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.cost.CostEstimate;
import com.catalogrender.io.ImageStore;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.tables.CheckpointCommits;
import com.catalogrender.tables.CurrentImagesTable;
import com.catalogrender.tables.RendersTable;
import com.catalogrender.task.PartitionRenderer;
import com.catalogrender.task.RenderSpec;
import com.catalogrender.task.RunMeters;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * current_images} beside the render ({@link LiveImagesMerger}), under the run's budget when it has
 * one. Temporary image files of failed attempts are swept after.
 */
final class RenderPhase {
  private static final Logger LOG = LoggerFactory.getLogger(RenderPhase.class);

  /**
   * What the phase did.
   *
   * @param executorsLost Spark's reason for each executor lost while rendering
   * @param budgetSpentEur what the budget ledger recorded as spent (0 without a budget)
   * @param seconds wall seconds of the captions and the render
   * @param captionSeconds wall seconds from the first caption to the last (overlapping the render)
   * @param captionWaitSeconds wall seconds the waves waited for their captions (executors idle)
   * @param wavesSeconds wall seconds of the waves: their render stages, Delta commits and merges
   * @param attempts Spark's record of the render's task attempts
   * @param sums what the run's rows add up to, summed as their waves were merged into the live
   *     images; null when some waves' rows were merged from the table (the record reads them)
   */
  record Rendered(
      CaptionFigures captions,
      List<String> executorsLost,
      double budgetSpentEur,
      double seconds,
      double captionSeconds,
      double captionWaitSeconds,
      double wavesSeconds,
      TaskAttemptMeter.Figures attempts,
      RowSums sums) {}

  /**
   * Waves written at once: a wave's render tasks queue behind the one before, so the executors go
   * on rendering while the driver commits the wave before (its Delta commit, the job's set-up).
   * Three, not two: with two, a MERGE of the live images on the main thread (as it was then:
   * seconds at 10^5 rows) left only one wave queued behind the running one (bench --scale-simulated
   * on this machine, 2 slots: 10^4 rows 77.9 s with two, 66.5 s with three; 10^5 rows 260.6 s,
   * 234.6 s). Four, not three: every tenth commit to {@code renders} writes Delta's checkpoint of
   * the table by several small Spark jobs, each of which waits for a task slot (a render task's
   * length: the wave's commit came 10 to 23 s after the waves behind it, 3x10^5 rows), and the next
   * wave's write first reads the table's state from that checkpoint by jobs in the waves' own
   * queue; with three, that wave held one of the three places and the render ran out of queued
   * waves (5 stretches of 0.3 to 1.1 s with no render task, 3.0 s in all, in a run of 62 waves).
   * Six, not four: the commit after such a checkpoint waits for it too (Delta computes the state
   * the checkpoint writes, two jobs each behind a render task: 16 s), so two of the four places
   * were held and the two waves queued rendered in 15 s; the render ran out of waves for 1.8 s,
   * until the late commits let the next waves be submitted (a 3x10^5-row run's event log). With
   * six, four waves (30 s of render) are queued while two wait.
   */
  private static final int WAVES_IN_FLIGHT = 6;

  /**
   * The first waves, laid out alone and their prompts found first: the ramp's four small waves
   * ({@link CheckpointWaves#RAMP}), about one even wave's render, while the rest's layout takes the
   * slots the render leaves it.
   */
  private static final int FIRST_WAVES_ALONE = CheckpointWaves.RAMP;

  /**
   * The FAIR scheduler pool the live images' merges run in: beside the waves' pool, each gets a
   * share of the task slots while both have tasks.
   */
  static final String MERGE_POOL = "catalog-render-live-images";

  /**
   * The most rows of committed waves a merge may broadcast to the executors (about four waves of
   * 5,000 rows): above it, the merge joins them with the live images by a shuffle.
   */
  static final long BROADCAST_SOURCE_ROWS = 20_000;

  /**
   * The longest the jobs beside the render wait for the first wave's first task (its captions may
   * take longer: then they start anyway, in slots nothing else wants).
   */
  private static final long FIRST_WAVE_WAIT_SECONDS = 30;

  /**
   * How many of the last merge's durations before the last commit the last stretch begins (see
   * {@link #lastStretch}).
   */
  static final double LAST_STRETCH_MERGES = 2.0;

  /** Delta's setting that says whether a MERGE copies its source before reading it. */
  private static final String MATERIALIZE_SOURCE = "spark.databricks.delta.merge.materializeSource";

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

  /**
   * @param removals the search for SKUs gone from the catalog, started beside the render once its
   *     first wave is committed (null: none, the run planned part of the catalog)
   */
  Rendered render(
      OpenedRun opened,
      RenderPlan plan,
      CostEstimate estimate,
      RunMeters meters,
      CatalogRemovals removals)
      throws IOException {
    long start = System.nanoTime();
    if (plan.rowsToRender() == 0) {
      DriverThreads.joined(plan.tablesReady()); // the record reads them
      return new Rendered(
          CaptionFigures.none(config.captions().rewriter()),
          List.of(),
          0,
          0,
          0,
          0,
          0,
          TaskAttemptMeter.Figures.none(),
          RowSums.NONE);
    }
    SparkContext context = spark.sparkContext();
    CompletableFuture<CheckpointCommits> commitsReady = plan.tablesReady();
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
    CaptionFigures captionFigures;
    double captionSeconds;
    double captionWaitSeconds = 0;
    double wavesSeconds;
    long rows = plan.rowsToRender();
    int waves =
        CheckpointWaves.withRamp(
            CheckpointWaves.of(
                rows,
                config.run().checkpointRows(),
                config.run().checkpointSeconds(),
                estimate,
                spark.sparkContext().defaultParallelism()));
    // all rows of a prompt share a wave, so a wave waits only for its own captions
    Dataset<Row> waved = plan.todo().withColumn(WAVE, waves == 1 ? lit(0) : wave(waves));
    long waveRows = CheckpointWaves.largestWave(rows, waves);
    int partitions = partitions(waveRows);
    RowSums.OfWaves sums = new RowSums.OfWaves(waves);
    // under FAIR scheduling a job beside the render (a merge's, a layout's) shares the slots with
    // the waves' (a pool of its own); under FIFO it waits for every wave queued before it, so a
    // merge in the last stretch would only add a merge after the last wave
    boolean beside = "FAIR".equals(context.getSchedulingMode().toString());
    // the first waves (the ramp's) are laid out and their prompts found by jobs over their rows
    // alone; the rest's run beside their render
    boolean firstWavesAlone = beside && waves > FIRST_WAVES_ALONE;
    // ... and they wait for the first wave's first task, so its tasks take the free slots first
    FirstTaskLatch firstWaveRenders =
        new FirstTaskLatch(labels.description(waveDescription(0, waves, waveRows, partitions)));
    if (firstWavesAlone) {
      context.addSparkListener(firstWaveRenders); // otherwise nothing waits for it
    }
    Runnable inMergePool =
        () -> {
          firstWaveRenders.await(FIRST_WAVE_WAIT_SECONDS);
          context.setLocalProperty("spark.scheduler.pool", MERGE_POOL);
        };
    // laid out once the captions are under way: the first wave's prompts go to the gateway while
    // the rows are shuffled into their waves
    labels.phase(String.format("lay out the rows (%d waves of %d tasks)", waves, partitions));
    try (CaptionRewriter rewriter =
            CaptionPhase.rewriterFor(
                config.captions(), opened.manifest(), spark.sparkContext().hadoopConfiguration());
        CaptionPhase.Pipeline captions =
            new CaptionPhase(
                    config.captions(), rewriter, config.run().rates(), config.testing().ticker())
                .start(
                    spark,
                    waved,
                    col(WAVE),
                    waves,
                    firstWavesAlone ? FIRST_WAVES_ALONE : waves,
                    CaptionPhase.rowsPerCategory(plan.groups()),
                    inMergePool,
                    "catalog-render "
                        + opened.runId()
                        + ": captions ("
                        + config.captions().rewriter()
                        + ")");
        RunLayout layout =
            firstWavesAlone
                ? RunLayout.split(
                    waved,
                    WAVE,
                    waves,
                    FIRST_WAVES_ALONE,
                    partitions,
                    config.model().batchSize(),
                    () -> {
                      labels.labelThisThread(
                          String.format(
                              "lay out waves %d to %d beside the render",
                              FIRST_WAVES_ALONE + 1, waves));
                      inMergePool.run();
                    },
                    labels::cancelRunJobs)
                : RunLayout.whole(waved, WAVE, waves, partitions, config.model().batchSize());
        RenderProgress progress =
            new RenderProgress(meters.rowsDone().id(), plan.rowsToRender(), console, 2000)) {
      context.addSparkListener(progress);
      context.addSparkListener(losses);
      context.addSparkListener(attempts);
      ReservationRelease releases = ledger == null ? null : new ReservationRelease(ledger);
      if (releases != null) {
        context.addSparkListener(releases);
      }
      long wavesStart = System.nanoTime();
      int committedWaves = 0;
      // the merges' own session: their broadcast setting is theirs (see mergeLiveImages)
      SparkSession mergeSession = spark.newSession();
      int besideTasks = BesideRenderSlots.tasks(context.defaultParallelism());
      // the waves whose render job ended (under FAIR scheduling: told by the commit pool)
      java.util.Set<Integer> renderedWaves = java.util.concurrent.ConcurrentHashMap.newKeySet();
      LiveImagesMerger merger =
          new LiveImagesMerger(
              (ofWaves, afterRender) -> {
                labels.labelThisThread(
                    String.format(
                        "merge %d wave(s) into the live images, %s the render",
                        ofWaves.size(), afterRender ? "after" : "beside"));
                context.setLocalProperty("spark.scheduler.pool", MERGE_POOL);
                SparkSession.setActiveSession(mergeSession);
                if (afterRender) {
                  BesideRenderSlots.lift(mergeSession);
                } else {
                  BesideRenderSlots.limit(mergeSession, besideTasks);
                }
                mergeLiveImages(
                    mergeSession,
                    opened.runId(),
                    waved,
                    ofWaves,
                    waves,
                    DriverThreads.joined(commitsReady),
                    sums);
                if (!afterRender && renderedWaves.size() < waves) {
                  // while waves still render; once none does, the next merge computes it as soon
                  CurrentImagesTable.readyForNextMerge(
                      mergeSession, config.run().warehouse().currentImages());
                }
              },
              config.run().checkpointSeconds(),
              waves);
      // under FAIR scheduling a wave's commit leaves the waves' pool once the wave rendered; once
      // every wave rendered, the merger keeps the last commits for one merge after the render
      CommitPool commitPool =
          beside
              ? new CommitPool(
                  context,
                  () -> meters.renderStages().value(),
                  wave -> {
                    if (renderedWaves.add(wave) && renderedWaves.size() == waves) {
                      merger.holdForTheFinish();
                    }
                  })
              : null;
      if (commitPool != null) {
        context.addSparkListener(commitPool);
      }
      List<WaveWrite> inFlight = new java.util.ArrayList<>();
      java.util.concurrent.BlockingQueue<WaveWrite> finished =
          new java.util.concurrent.LinkedBlockingQueue<>();
      java.util.concurrent.ExecutorService writers =
          java.util.concurrent.Executors.newFixedThreadPool(
              WAVES_IN_FLIGHT,
              task -> {
                Thread thread = new Thread(task, "catalog-render-wave-writer");
                thread.setDaemon(true);
                return thread;
              });
      try {
        for (int wave = 0; wave < waves; wave++) {
          labels.phase(String.format("wait for the captions of wave %d/%d", wave + 1, waves));
          long waitStart = System.nanoTime();
          Dataset<Row> captionsOfWave = captions.await(wave);
          captionWaitSeconds += idleSeconds(waitStart, System.nanoTime(), inFlight);
          if (wave == 0 && ledger != null) {
            // the driver's time so far (plan, first captions) is a fixed cost the budget covers
            ledger.chargeFixed(
                (System.nanoTime() - opened.startNanos())
                    / 1e9
                    * config.run().rates().driverEurPerSecond());
          }
          String description = waveDescription(wave, waves, waveRows, partitions);
          int thisWave = wave;
          Dataset<Row> results =
              layout
                  .wave(spark, wave, captionsOfWave)
                  .mapPartitions(
                      new PartitionRenderer(spec, meters), Encoders.row(RendersTable.SCHEMA));
          inFlight.add(
              WaveWrite.submit(
                  writers,
                  wave,
                  finished,
                  () -> {
                    labels.labelThisThread(description);
                    if (commitPool != null) {
                      commitPool.enter(thisWave);
                    }
                    try {
                      RendersTable.appendCheckpoint(
                          results,
                          config.run().warehouse().renders(),
                          opened.runId(),
                          thisWave,
                          DriverThreads.joined(commitsReady));
                    } finally {
                      if (commitPool != null) {
                        commitPool.exit(thisWave);
                      }
                    }
                  }));
          // judged as each wave is submitted too, not only as one is committed: once the last wave
          // is under way what is committed merges now (a wave whose commit waited behind the last
          // waves' render tasks put off a 20-wave merge until after the render, 8.8 s at 10^5)
          beginLastStretchIfDue(
              beside, merger, wave == waves - 1, waves, committedWaves, wavesStart);
          // the next wave's jobs queue behind this one's tasks: the executors go from one wave's
          // render to the next without waiting for this wave's commit on the driver. The waves in
          // flight may render in either order (each thread submits its own jobs): whichever is
          // committed first makes room for the next
          while (inFlight.size() >= WAVES_IN_FLIGHT || (wave == waves - 1 && !inFlight.isEmpty())) {
            labels.phase("render wave (waiting for a wave's commit)");
            WaveWrite done = WaveWrite.next(finished);
            inFlight.remove(done);
            done.await();
            LOG.info(
                "Checkpoint {}/{} of run {} committed", done.wave() + 1, waves, opened.runId());
            merger.committed(done.wave());
            committedWaves++;
            if (committedWaves == waves - 1) {
              // only the last wave is left: the listener bus tells the render's end later than this
              merger.holdForTheFinish();
            }
            if (removals != null && beside) {
              removals.startBesideRender(MERGE_POOL, besideTasks);
            }
            beginLastStretchIfDue(
                beside, merger, wave == waves - 1, waves, committedWaves, wavesStart);
          }
        }
        labels.phase("merge the last waves into the live images");
        String merges = merger.finish();
        LOG.info("Run {}: {}", opened.runId(), merges);
        wavesSeconds = (System.nanoTime() - wavesStart) / 1e9;
        captionFigures = captions.figures();
        captionSeconds = captions.seconds();
      } catch (RuntimeException | Error e) {
        // a failed wave stops the run: the waves still in flight are cancelled, not committed
        // later, and so is a merge under way (the next run merges what this one committed)
        if (!inFlight.isEmpty() || merger.unmerged() > 0) {
          labels.cancelRunJobs();
          for (WaveWrite write : inFlight) {
            write.awaitQuietly();
          }
        }
        throw e;
      } finally {
        merger.close();
        writers.shutdownNow();
        if (commitPool != null) {
          context.removeSparkListener(commitPool);
        }
        context.removeSparkListener(progress);
        context.removeSparkListener(losses);
        context.removeSparkListener(attempts);
        if (releases != null) {
          context.removeSparkListener(releases);
        }
      }
    } finally {
      firstWaveRenders.open();
      context.removeSparkListener(firstWaveRenders);
      if (ledger != null) {
        ledger.close();
      }
    }
    console.accept(CaptionPhase.describe(captionFigures));
    console.accept(
        String.format(
            java.util.Locale.ROOT,
            "captions overlapped rendering: %.1f s of captions (%.1f prompts/s), rendering waited"
                + " %.1f s for them (%.1f task-slot seconds idle)",
            captionSeconds,
            captionSeconds > 0 ? captionFigures.distinctPrompts() / captionSeconds : 0.0,
            captionWaitSeconds,
            captionWaitSeconds * spark.sparkContext().defaultParallelism()));
    String advice =
        CaptionPhase.concurrencyAdvice(
            captionFigures, config.captions(), captionSeconds, captionWaitSeconds, wavesSeconds);
    if (advice != null) {
      LOG.warn("Run {}: {}", opened.runId(), advice);
      console.accept(advice);
    }
    TaskAttemptMeter.Figures attempted = attempts.figures();
    if (attempted.failed() > 0 || !losses.lost().isEmpty()) {
      // only an attempt that died between an image's write and its rename leaves a temporary file
      labels.phase("sweep temporary images of failed attempts");
      sweep(opened.runId());
    }
    return new Rendered(
        captionFigures,
        losses.lost(),
        ledger == null ? 0 : ledger.spent(),
        (System.nanoTime() - start) / 1e9,
        captionSeconds,
        captionWaitSeconds,
        wavesSeconds,
        attempted,
        sums.whole());
  }

  /** What a wave's render job is described as (after the run's label). */
  private static String waveDescription(int wave, int waves, long waveRows, int partitions) {
    return String.format(
        "render wave %d/%d (at most about %d rows) in %d tasks",
        wave + 1, waves, waveRows, partitions);
  }

  /**
   * Seconds of a wait for captions from {@code start} to {@code end} during which the executors had
   * nothing to render: all of it when no wave was in flight, none while a wave in flight was still
   * rendering, else the part after the last wave in flight was committed.
   */
  static double idleSeconds(long start, long end, java.util.Collection<WaveWrite> inFlight) {
    if (inFlight.isEmpty()) {
      return (end - start) / 1e9;
    }
    if (WaveWrite.anyRunning(inFlight)) {
      return 0;
    }
    return Math.max(0, end - Math.max(start, WaveWrite.lastFinishedNanos(inFlight))) / 1e9;
  }

  /**
   * Puts {@code merger} in the run's last stretch when {@link #lastStretch} says it begins (under
   * FAIR scheduling only: under FIFO a merge beside the render waits for every wave queued).
   */
  private static void beginLastStretchIfDue(
      boolean beside,
      LiveImagesMerger merger,
      boolean lastSubmitted,
      int waves,
      int committedWaves,
      long wavesStart) {
    if (beside
        && !merger.inLastStretch()
        && lastStretch(
            lastSubmitted,
            waves - committedWaves,
            committedWaves == 0
                ? Double.POSITIVE_INFINITY
                : (System.nanoTime() - wavesStart) / 1e9 / committedWaves,
            merger.lastMergeSeconds())) {
      merger.lastStretch();
    }
  }

  /**
   * Whether the run's last stretch begins: the last wave was submitted, or the waves left would
   * render in about twice the time the last merge took ({@code lastMergeSeconds}, -1 before any),
   * so the merges from now on end before the last wave is committed: the merge that catches up
   * takes longer than the one before (more live images to join; at 10^6 rows 39 waves took 49.6 s
   * after 80 waves took 37.9 s, and ended as the last wave was committed, leaving two merges of 5.6
   * and 3.8 s after the render), and the ones after it merge a wave or two each.
   *
   * @param wavesLeft waves not yet committed
   * @param secondsPerWave wall seconds per committed wave so far
   */
  static boolean lastStretch(
      boolean lastSubmitted, int wavesLeft, double secondsPerWave, double lastMergeSeconds) {
    return lastSubmitted
        || (lastMergeSeconds >= 0
            && wavesLeft * secondsPerWave <= LAST_STRETCH_MERGES * lastMergeSeconds);
  }

  /**
   * Merges the committed rows of {@code run}'s waves {@code ofWaves} into the live images: from the
   * waves' own data files when {@code commits} has them, else from the run's rows in {@code
   * renders} (those of the waves, by their SKUs in the plan). The rows read from their files are
   * summed into {@code sums} too (a pass over them beside the MERGE, in the same pool).
   */
  private void mergeLiveImages(
      SparkSession mergeSession,
      String run,
      Dataset<Row> waved,
      List<Integer> ofWaves,
      int waves,
      CheckpointCommits commits,
      RowSums.OfWaves sums) {
    CheckpointCommits.CommittedRows ofTheirFiles = commits.rowsOf(run, ofWaves);
    if (ofTheirFiles != null) {
      // Spark sizes a file scan by its compressed bytes, so it broadcast the rows of 80 waves
      // (400,000 rows) to join them with the live images: a relation built on the driver. A few
      // waves' rows still go by broadcast (the merge after the last wave: 1.9 s for 3 waves)
      if (ofTheirFiles.records() < 0 || ofTheirFiles.records() > BROADCAST_SOURCE_ROWS) {
        mergeSession.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
      } else {
        mergeSession.conf().unset("spark.sql.autoBroadcastJoinThreshold");
      }
      // Delta copies a MERGE source that is not a Delta scan into the executors' storage first, in
      // case it reads differently the second time (a job of its own: 0.6 s of the merge after the
      // last wave, a 10^4-row run's event log). These are committed data files, never rewritten,
      // and each SKU's live row is picked from them by a total order (CurrentImagesTable)
      mergeSession.conf().set(MATERIALIZE_SOURCE, "none");
      Dataset<Row> rows = ofTheirFiles.rows().where(col("run_id").equalTo(run));
      // summed beside the MERGE, by a thread that inherits this one's pool, label and session:
      // the two jobs share the slots rather than the sums' waiting for the MERGE (after the
      // render, every executor waits for both)
      CompletableFuture<RowSums> summed =
          CompletableFuture.supplyAsync(
              () -> RowSums.of(rows), DriverThreads.ownThread("catalog-render-row-sums"));
      CurrentImagesTable.merge(mergeSession, config.run().warehouse().currentImages(), rows);
      sums.add(ofWaves, DriverThreads.joined(summed));
      return;
    }
    sums.missed();
    LOG.info("Run {}: merging {} wave(s) from the table, not their files", run, ofWaves.size());
    Dataset<Row> committed =
        spark
            .read()
            .format("delta")
            .load(config.run().warehouse().renders())
            .where(col("run_id").equalTo(run));
    CurrentImagesTable.merge(
        spark,
        config.run().warehouse().currentImages(),
        ofWaves.size() == waves
            ? committed
            : committed.join(
                waved.where(col(WAVE).isin(ofWaves.toArray())).select("sku", "input_hash"),
                new String[] {"sku", "input_hash"},
                "left_semi"));
  }

  /**
   * A row's wave among {@code waves}: from its (category, prompt), so the rows sharing a caption
   * render in one wave and a wave waits only for its own prompts' captions.
   */
  private static Column wave(int waves) {
    return CheckpointWaves.waveOf(xxhash64(col("category"), col("prompt")), waves);
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
