package com.catalogrender.render;

import java.util.Collection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One checkpoint wave being rendered and committed on a thread of the driver's own, so the main
 * thread can prepare the next wave meanwhile; {@link #await} gives the wave's failure as it was
 * thrown. Waves written at once may finish in any order (their jobs are submitted by their own
 * threads): each finished write is put on its run's queue of finished writes, so the main thread
 * goes on with whichever finishes first.
 */
final class WaveWrite {
  private final int wave;
  private final Future<?> future;
  private volatile long finishedNanos;

  private WaveWrite(
      int wave, ExecutorService writers, BlockingQueue<WaveWrite> finished, Runnable write) {
    this.wave = wave;
    this.future =
        writers.submit(
            () -> {
              try {
                write.run();
              } finally {
                finishedNanos = System.nanoTime();
                finished.add(this);
              }
            });
  }

  /** Starts writing {@code wave}; the write is put on {@code finished} when it ends. */
  static WaveWrite submit(
      ExecutorService writers, int wave, BlockingQueue<WaveWrite> finished, Runnable write) {
    return new WaveWrite(wave, writers, finished, write);
  }

  /** The next write to finish (committed or failed), taken from {@code finished}. */
  static WaveWrite next(BlockingQueue<WaveWrite> finished) {
    try {
      return finished.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waves rendered", e);
    }
  }

  /** Whether any of {@code writes} is still rendering or committing. */
  static boolean anyRunning(Collection<WaveWrite> writes) {
    return writes.stream().anyMatch(w -> w.finishedNanos == 0);
  }

  /** When the last of {@code writes} ended (0 for none). */
  static long lastFinishedNanos(Collection<WaveWrite> writes) {
    return writes.stream().mapToLong(w -> w.finishedNanos).max().orElse(0);
  }

  int wave() {
    return wave;
  }

  /** {@link System#nanoTime} when the write ended (committed or failed), 0 while it runs. */
  long finishedNanos() {
    return finishedNanos;
  }

  /** Waits for the wave's commit; rethrows what the write threw. */
  void await() {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while wave " + (wave + 1) + " rendered", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Wave " + (wave + 1) + " failed: " + cause, cause);
    }
  }

  /** Waits for the write to end, whatever its outcome (after its jobs were cancelled). */
  void awaitQuietly() {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // the run is failing already with the first wave's error
    }
  }
}
