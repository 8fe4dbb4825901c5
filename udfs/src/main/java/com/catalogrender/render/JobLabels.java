package com.catalogrender.render;

import org.apache.spark.SparkContext;

/** Labels a run's Spark jobs in the UI: one job group per run, a description per phase. */
final class JobLabels {
  private final SparkContext context;
  private final String runId;

  JobLabels(SparkContext context, String runId) {
    this.context = context;
    this.runId = runId;
    context.setJobGroup("catalog-render " + runId, "catalog-render run " + runId, false);
  }

  /** Labels the jobs that follow: {@code catalog-render <run>: <phase>}. */
  void phase(String phase) {
    context.setJobDescription("catalog-render " + runId + ": " + phase);
  }

  void clear() {
    context.clearJobGroup();
  }
}
