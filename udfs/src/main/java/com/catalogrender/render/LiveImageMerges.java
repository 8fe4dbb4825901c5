package com.catalogrender.render;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The live images' merges during a run, one at a time on a driver thread of their own, so the main
 * thread goes on submitting waves while a MERGE runs: on the main thread, a merge's Spark jobs
 * queued behind the waves in flight and ran after them while no further wave was submitted, the
 * task slots idle for the whole of the MERGE (seconds each at 10^5 rows, and growing with the live
 * images table). A failed merge fails the run at the main thread's next look ({@link #start} or
 * {@link #await}), with the merge's own error.
 */
final class LiveImageMerges implements AutoCloseable {
  private final Consumer<List<Integer>> merge;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread merger = new Thread(task, "catalog-render-live-image-merge");
            merger.setDaemon(true);
            return merger;
          });
  private Future<?> running;
  private int merges;
  private volatile double seconds;

  /** Merges with {@code merge}, given the waves whose committed rows it merges. */
  LiveImageMerges(Consumer<List<Integer>> merge) {
    this.merge = merge;
  }

  /** Whether no merge is running (a finished one's failure is thrown). */
  boolean idle() {
    if (running == null) {
      return true;
    }
    if (!running.isDone()) {
      return false;
    }
    await();
    return true;
  }

  /** Whether a merge is running now. */
  boolean running() {
    return running != null && !running.isDone();
  }

  /** Starts merging {@code waves} (a copy is taken); the caller checks {@link #idle} first. */
  void start(List<Integer> waves) {
    if (!idle()) {
      throw new IllegalStateException("a live-image merge is still running");
    }
    List<Integer> ofWaves = List.copyOf(waves);
    merges++;
    running =
        thread.submit(
            () -> {
              long start = System.nanoTime();
              try {
                merge.accept(ofWaves);
              } finally {
                seconds += (System.nanoTime() - start) / 1e9;
              }
            });
  }

  /** Waits for the running merge, if any; rethrows what it threw. */
  void await() {
    Future<?> merging = running;
    running = null;
    if (merging == null) {
      return;
    }
    DriverThreadResult.await(
        merging, "the live images were merged", "Merging the live images failed");
  }

  /** Waits for the running merge whatever its outcome (the run is failing already). */
  void awaitQuietly() {
    try {
      await();
    } catch (RuntimeException | Error e) {
      // the run's first error is the one it fails with
    }
  }

  /** Merges started on the merge thread. */
  int merges() {
    return merges;
  }

  /** Wall seconds the merge thread spent merging. */
  double seconds() {
    return seconds;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
