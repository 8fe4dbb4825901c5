package com.catalogrender.render;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;

/**
 * Opens once a task of the job with a given description has started: jobs meant to run beside that
 * job wait for it, so its tasks take the free task slots first. Spark never preempts a running
 * task, and between two pools with nothing running its FAIR scheduler offers a slot to the pool
 * whose name sorts first; a job submitted beside the first render wave a moment before it could
 * hold every slot while the wave waited.
 */
final class FirstTaskLatch extends SparkListener {
  private final String description;
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
  private final CountDownLatch started = new CountDownLatch(1);

  /** A latch for the job described exactly as {@code description}. */
  FirstTaskLatch(String description) {
    this.description = description;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    String described =
        job.properties() == null ? null : job.properties().getProperty("spark.job.description");
    if (description.equals(described)) {
      scala.collection.Iterator<StageInfo> infos = job.stageInfos().iterator();
      while (infos.hasNext()) {
        stages.add(infos.next().stageId());
      }
    }
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart task) {
    if (stages.contains(task.stageId())) {
      started.countDown();
    }
  }

  /** Opens the latch whatever ran (the run ends, or its first wave was never submitted). */
  void open() {
    started.countDown();
  }

  /**
   * Waits until the job's first task has started, at most {@code seconds}.
   *
   * @throws IllegalStateException when interrupted (the run is ending)
   */
  void await(long seconds) {
    try {
      started.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the render's first task", e);
    }
  }
}
