package com.catalogrender.render;

import org.apache.spark.SparkContext;

/**
 * Labels a run's Spark jobs in the UI: one job group per run, a description per phase; and times
 * the phases on the driver (logged when the run ends: where a run's fixed seconds go).
 */
final class JobLabels {
  private final SparkContext context;
  private final String runId;
  private final String group;
  private final java.util.Map<String, Double> seconds = new java.util.LinkedHashMap<>();
  private final java.util.List<Stretch> stretches = new java.util.ArrayList<>();
  private String current;
  private long since = System.nanoTime();
  private long sinceMillis = System.currentTimeMillis();

  /**
   * A phase's stretch of the driver's wall time, in epoch milliseconds (the clock of Spark's task
   * launch and finish times).
   */
  record Stretch(String phase, long startMillis, long endMillis) {}

  JobLabels(SparkContext context, String runId) {
    this.context = context;
    this.runId = runId;
    this.group = "catalog-render " + runId;
    joinGroup();
  }

  private void joinGroup() {
    context.setJobGroup(group, "catalog-render run " + runId, false);
  }

  /** Cancels the run's jobs that are running or queued, on every thread. */
  void cancelRunJobs() {
    context.cancelJobGroup(group);
  }

  /**
   * Labels the jobs the calling thread starts next (a thread of the driver's own that works for the
   * run): the run's group and {@code catalog-render <run>: <phase>}; the driver phases' timing is
   * the main thread's and is not touched.
   */
  void labelThisThread(String phase) {
    joinGroup();
    context.setJobDescription(description(phase));
  }

  /** What the jobs of {@code phase} are described as. */
  String description(String phase) {
    return "catalog-render " + runId + ": " + phase;
  }

  /** Labels the jobs that follow: {@code catalog-render <run>: <phase>}. */
  void phase(String phase) {
    lap();
    current = phase.replaceAll(" \\(.*", "").replaceAll(" \\d+/\\d+", "");
    context.setJobDescription("catalog-render " + runId + ": " + phase);
  }

  private void lap() {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    if (current != null) {
      seconds.merge(current, (now - since) / 1e9, Double::sum);
      stretches.add(new Stretch(current, sinceMillis, nowMillis));
    }
    since = now;
    sinceMillis = nowMillis;
  }

  /** The phases' stretches so far, in order, the current one up to now. */
  java.util.List<Stretch> stretches() {
    lap();
    return java.util.List.copyOf(stretches);
  }

  /** Seconds per phase so far, the current one up to now (where a run's driver time went). */
  java.util.Map<String, Double> seconds() {
    lap();
    return java.util.Map.copyOf(seconds);
  }

  void clear() {
    lap();
    current = null;
    context.clearJobGroup();
    StringBuilder line = new StringBuilder();
    seconds.forEach(
        (phase, s) ->
            line.append(line.length() == 0 ? "" : ", ")
                .append(String.format(java.util.Locale.ROOT, "%s %.2f s", phase, s)));
    org.slf4j.LoggerFactory.getLogger(JobLabels.class)
        .info("Run {} driver phases: {}", runId, line);
  }
}
