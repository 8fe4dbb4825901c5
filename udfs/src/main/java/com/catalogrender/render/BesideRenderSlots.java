package com.catalogrender.render;

import org.apache.spark.sql.SparkSession;

/**
 * The task slots a session's jobs take beside the render: at most about half the cluster's, so the
 * render's next wave always finds a free slot. Spark never preempts a running task, and a stage
 * runs as many tasks at once as it has and slots allow: a MERGE of the live images (its scans split
 * by the session's file settings, its shuffles into {@code spark.sql.shuffle.partitions}) could
 * take every slot for seconds while a wave's tasks waited. Each stage of the session's jobs is kept
 * to about that many tasks (file scans split into that many, shuffles into that many partitions);
 * after the render the session gets Spark's settings back.
 */
final class BesideRenderSlots {
  private static final String[] SETTINGS = {
    "spark.sql.shuffle.partitions",
    "spark.sql.adaptive.coalescePartitions.initialPartitionNum",
    "spark.sql.files.minPartitionNum",
    "spark.sql.files.maxPartitionBytes"
  };

  private BesideRenderSlots() {}

  /** Tasks a stage beside the render may run: half of {@code slots}, at least one. */
  static int tasks(int slots) {
    return Math.max(1, slots / 2);
  }

  /**
   * Keeps {@code session}'s stages to {@code tasks} tasks each (about: a scan may get one more).
   */
  static void limit(SparkSession session, int tasks) {
    session.conf().set(SETTINGS[0], tasks);
    session.conf().set(SETTINGS[1], tasks);
    // a scan is split into (its bytes / this) parts, the cap on a part's bytes lifted
    session.conf().set(SETTINGS[2], tasks);
    session.conf().set(SETTINGS[3], Long.MAX_VALUE);
  }

  /**
   * Gives {@code session} back the settings of Spark's configuration (the application's, where it
   * sets them: unset alone, a session falls back to Spark's defaults instead).
   */
  static void lift(SparkSession session) {
    org.apache.spark.SparkConf application = session.sparkContext().getConf();
    for (String setting : SETTINGS) {
      if (application.contains(setting)) {
        session.conf().set(setting, application.get(setting));
      } else {
        session.conf().unset(setting);
      }
    }
  }
}
