package com.catalogrender.render;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Driver-side record of the executors a run lost while it rendered (killed, preempted, out of
 * memory), with Spark's reason for each, for the {@code runs} table.
 */
final class ExecutorLossListener extends SparkListener {
  private final List<String> lost = new ArrayList<>();

  @Override
  public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    lost.add("executor " + removed.executorId() + ": " + removed.reason());
  }

  synchronized List<String> lost() {
    return List.copyOf(lost);
  }
}
