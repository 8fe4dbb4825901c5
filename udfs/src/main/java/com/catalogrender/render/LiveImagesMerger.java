package com.catalogrender.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a run's committed waves into the live images on a thread of the driver's own, beside the
 * render: the main thread goes on submitting waves while a MERGE runs, so the executors never wait
 * for one (on the main thread, at 10^6 rows, a MERGE took 19-25 s during which the waves in flight
 * ran out: 55 of the run's 132 s with no render task running, bench --scale-simulated).
 *
 * <p>When it merges: the waves committed so far, once {@code checkpoint_seconds} have passed since
 * the last merge began (the live images follow the committed rows at most that far behind, and a
 * MERGE's tasks take task slots from the render, so it does not merge after every wave); and, in
 * the run's last stretch ({@link #lastStretch}), whatever is committed as soon as it is, so that
 * when the last wave is committed only a few waves are left to merge while the executors wait. A
 * run shorter than twice the interval merges once when half its waves are committed, so the last
 * stretch knows what a merge takes: with no merge before it, the last stretch began as the last
 * wave was submitted and its first merge took every wave committed so far (59 of 62 at 3x10^5 rows:
 * 32 s beside the last three waves' 22 s of render, then 7.8 s after the render with no render task
 * running). A driver that dies before merging loses nothing: the next run merges its rows first.
 */
final class LiveImagesMerger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveImagesMerger.class);

  private final BiConsumer<List<Integer>, Boolean> merge;
  private final long intervalNanos;
  private final int waves;
  private final Thread thread;
  private final List<Integer> pending = new ArrayList<>();
  private long lastMergeStart;
  private double lastMergeSeconds = -1;
  private int merges;
  private int committed;
  private double mergeSeconds;
  private boolean merging;
  private boolean lastStretch;
  private boolean held;
  private boolean closing;
  private Throwable failure;

  /**
   * @param merge merges the committed rows of the waves it is given (on this merger's thread: it
   *     labels its own jobs); true with the merge after the render ({@link #finish}), when no wave
   *     shares the task slots with it
   * @param intervalSeconds {@code checkpoint_seconds}: the least seconds between two merges' starts
   *     before the last stretch
   * @param waves the run's waves (the first merge comes at half of them, if not sooner)
   */
  LiveImagesMerger(BiConsumer<List<Integer>, Boolean> merge, double intervalSeconds, int waves) {
    this.merge = merge;
    this.intervalNanos = (long) (Math.max(0, intervalSeconds) * 1e9);
    this.waves = waves;
    this.lastMergeStart = System.nanoTime();
    this.thread = new Thread(this::run, "catalog-render-live-images-merger");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Wave {@code wave} was committed: its rows merge with the next merge. */
  synchronized void committed(int wave) {
    rethrow();
    pending.add(wave);
    committed++;
    notifyAll();
  }

  /** From now on, committed waves merge as soon as the merge before ends. */
  synchronized void lastStretch() {
    lastStretch = true;
    notifyAll();
  }

  /**
   * What is committed from now on merges in one merge after the render ({@link #finish}), with
   * every task slot: once only the last wave is not committed, and once every wave's render ended
   * (the last commits come within moments). Merged as they came, the run ended with two merges
   * where one does: at 10^5 rows a merge of 19 waves beside the render ended as the render did,
   * then two waves merged beside it (2.4 s) and the last one after it (1.6 s). Merged beside the
   * last wave's render instead, they would save the final merge a wave or two, a few tenths of a
   * second (a MERGE's cost is mostly its own, not its rows').
   */
  synchronized void holdForTheFinish() {
    held = true;
    notifyAll();
  }

  synchronized boolean inLastStretch() {
    return lastStretch;
  }

  /** Wall seconds of the last merge, or -1 before any ended. */
  synchronized double lastMergeSeconds() {
    return lastMergeSeconds;
  }

  /**
   * Merges what is still committed and not merged, waits until it is, and says how many merges the
   * run took and their wall seconds; rethrows a merge's failure.
   */
  String finish() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    join();
    synchronized (this) {
      rethrow();
      return String.format(
          java.util.Locale.ROOT,
          "%d merge(s) into the live images beside the render, %.1f s in all",
          merges,
          mergeSeconds);
    }
  }

  /** Waves committed and not yet merged (0 once {@link #finish} returned). */
  synchronized int unmerged() {
    return pending.size() + (merging ? 1 : 0);
  }

  /** Stops after the merge under way, if any (the run failed: its jobs were cancelled). */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      pending.clear();
      notifyAll();
    }
    join();
  }

  private void join() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while merging the live images", e);
    }
  }

  private void rethrow() {
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw new IllegalStateException("Merging the live images failed: " + failure, failure);
    }
  }

  private void run() {
    while (true) {
      List<Integer> waves;
      long start;
      boolean afterRender;
      synchronized (this) {
        while (!due()) {
          if (closing && pending.isEmpty()) {
            return;
          }
          waitAWhile();
        }
        waves = List.copyOf(pending);
        afterRender = closing;
        pending.clear();
        merging = true;
        lastMergeStart = System.nanoTime();
        start = lastMergeStart;
      }
      try {
        merge.accept(waves, afterRender);
      } catch (Throwable t) {
        synchronized (this) {
          failure = t;
          merging = false;
          pending.clear();
          notifyAll();
        }
        LOG.warn("Merging {} wave(s) into the live images failed", waves.size(), t);
        return;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      synchronized (this) {
        merging = false;
        merges++;
        mergeSeconds += seconds;
        lastMergeSeconds = seconds;
        notifyAll();
      }
      LOG.info("Merged {} wave(s) into the live images in {} s", waves.size(), seconds);
    }
  }

  /** Whether the pending waves merge now (called holding the lock). */
  private boolean due() {
    if (pending.isEmpty()) {
      return false;
    }
    if (closing) {
      return true;
    }
    if (held) {
      return false;
    }
    return lastStretch
        || System.nanoTime() - lastMergeStart >= intervalNanos
        || (merges == 0 && 2L * committed >= waves);
  }

  /** Waits for a change, or until the interval since the last merge began is over. */
  private void waitAWhile() {
    long left = intervalNanos - (System.nanoTime() - lastMergeStart);
    try {
      if (pending.isEmpty() || left <= 0) {
        wait();
      } else {
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
      pending.clear();
    }
  }
}
