package com.catalogrender.render;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A run's rows laid out over its waves ({@link WaveLayout}) by two shuffles: the first waves' rows
 * before the render starts, the rest's on a thread of their own, beside the first waves' render.
 * One shuffle of every row took all task slots before the first wave could start (10^6 rows in 202
 * waves: 5.2 s with no render task running, {@code bench --scale-simulated}); the first three of
 * 202 ramped waves hold 7 of 803 parts of the rows, and their render lasts longer than the rest's
 * shuffle takes beside it.
 */
final class RunLayout implements AutoCloseable {
  private final WaveLayout first;
  private final int firstWaves;
  private final CompletableFuture<WaveLayout> rest;
  private final ExecutorService thread;
  private final Runnable cancel;

  private RunLayout(
      WaveLayout first,
      int firstWaves,
      CompletableFuture<WaveLayout> rest,
      ExecutorService thread,
      Runnable cancel) {
    this.first = first;
    this.firstWaves = firstWaves;
    this.rest = rest;
    this.thread = thread;
    this.cancel = cancel;
  }

  /** All of {@code waves} laid out at once, here. */
  static RunLayout whole(Dataset<Row> rows, String waveColumn, int waves, int tasks, int batch) {
    return new RunLayout(
        WaveLayout.of(rows, waveColumn, waves, tasks, batch), waves, null, null, () -> {});
  }

  /**
   * Lays out waves [0, {@code firstWaves}) here, then starts laying out the rest on a thread of its
   * own, which first runs {@code besideRender} (it labels the thread's jobs and puts them beside
   * the render).
   *
   * @param cancel cancels the rest's jobs, if the run ends before they do
   */
  static RunLayout split(
      Dataset<Row> rows,
      String waveColumn,
      int waves,
      int firstWaves,
      int tasks,
      int batch,
      Runnable besideRender,
      Runnable cancel) {
    if (firstWaves <= 0 || firstWaves >= waves) {
      throw new IllegalArgumentException(
          "firstWaves=" + firstWaves + ": must be between 1 and waves - 1 (" + (waves - 1) + ")");
    }
    WaveLayout first = WaveLayout.of(rows, waveColumn, 0, firstWaves, tasks, batch);
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "catalog-render-layout");
              t.setDaemon(true);
              return t;
            });
    CompletableFuture<WaveLayout> rest =
        CompletableFuture.supplyAsync(
            () -> {
              besideRender.run();
              return WaveLayout.of(rows, waveColumn, firstWaves, waves, tasks, batch);
            },
            thread);
    return new RunLayout(first, firstWaves, rest, thread, cancel);
  }

  /** The rows of {@code wave} with their captions; a later wave waits for the rest's layout. */
  Dataset<Row> wave(SparkSession spark, int wave, Dataset<Row> captions) {
    if (wave < firstWaves) {
      return first.wave(spark, wave, captions);
    }
    return DriverThreads.joined(rest).wave(spark, wave, captions);
  }

  @Override
  public void close() {
    if (rest == null) {
      return;
    }
    boolean running = !rest.isDone();
    if (running) {
      cancel.run();
    }
    thread.shutdownNow(); // a wait before the rest's jobs ends at once
    if (running) {
      try {
        rest.join();
      } catch (RuntimeException ignored) {
        // cancelled: the run ends with its own error
      }
    }
  }
}
