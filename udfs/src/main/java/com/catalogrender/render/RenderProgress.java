package com.catalogrender.render;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Rows done of total, renders per second and ETA while a render runs, from the rows-done
 * accumulator: finished tasks report at their end, running tasks through executor heartbeats.
 */
final class RenderProgress extends SparkListener implements AutoCloseable {
  private final long accumulatorId;
  private final long total;
  private final Consumer<String> out;
  private final long start = System.nanoTime();
  private final AtomicLong finished = new AtomicLong();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService printer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "render-progress");
            t.setDaemon(true);
            return t;
          });
  private volatile long lastPrinted = -1;

  RenderProgress(long accumulatorId, long total, Consumer<String> out, long periodMillis) {
    this.accumulatorId = accumulatorId;
    this.total = total;
    this.out = out;
    printer.scheduleAtFixedRate(this::print, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  long done() {
    long live = 0;
    for (long value : running.values()) {
      live += value;
    }
    return Math.min(total, finished.get() + live);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task :
        JavaConverters.seqAsJavaList(update.accumUpdates())) {
      Long value = valueOf(task._4());
      if (value != null) {
        running.put((Long) task._1(), value);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
    if (end.reason() instanceof org.apache.spark.Success$) {
      Long value = valueOf(end.taskInfo().accumulables());
      if (value != null) {
        finished.addAndGet(value);
      }
    }
  }

  private Long valueOf(Seq<AccumulableInfo> infos) {
    for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
      if (info.id() == accumulatorId && info.update().isDefined()) {
        return ((Number) info.update().get()).longValue();
      }
    }
    return null;
  }

  private void print() {
    long done = done();
    if (done == lastPrinted) {
      return;
    }
    lastPrinted = done;
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    String eta = rate > 0 ? String.format("%.0fs", (total - done) / rate) : "?";
    out.accept(
        String.format(
            "[render] %d/%d rows (%.0f%%), %.2f renders/s, ETA %s",
            done, total, total == 0 ? 100.0 : 100.0 * done / total, rate, eta));
  }

  @Override
  public void close() {
    printer.shutdownNow();
  }
}
