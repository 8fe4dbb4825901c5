package com.catalogrender.render;

import com.catalogrender.results.RunSummary;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Spark's own record of the render's task attempts, independent of the pipeline's meters: every
 * attempt that ends while the render runs (successful, failed, killed, speculative losers, lost
 * with their executor), with Spark's executor run time. Attempts that did not succeed produced no
 * committed row: their seconds are waste, with Spark's reasons. Accumulators cannot say this: Spark
 * drops the accumulator updates of attempts that fail.
 */
final class TaskAttemptMeter extends SparkListener {
  /**
   * What the attempts took.
   *
   * @param attempts task attempts that ended
   * @param failed attempts that did not succeed (failed, killed, lost)
   * @param taskSeconds executor run time of every attempt
   * @param wastedSeconds executor run time of the attempts that did not succeed (their wall time
   *     when their executor was lost with its metrics)
   * @param wastedReasons Spark's reasons, with how many attempts each, or null when none
   */
  record Figures(
      long attempts,
      long failed,
      double taskSeconds,
      double wastedSeconds,
      String wastedReasons,
      Map<Integer, Double> successfulSecondsByStage,
      Map<Integer, long[]> spanMillisByStage,
      Map<Integer, double[]> durationSecondsByStage) {
    static Figures none() {
      return new Figures(0, 0, 0, 0, null, Map.of(), Map.of(), Map.of());
    }

    /**
     * What ran from {@code startMillis} to {@code endMillis} (epoch) while no render stage ran: the
     * seconds with no task of any stage, and the other stages' attempts (their seconds and their
     * longest, each stage in the share of its span that falls there).
     */
    RunSummary.PhaseTasks outsideRenderStages(
        java.util.Collection<Integer> renderStages, long startMillis, long endMillis) {
      double noTask =
          (endMillis - startMillis) / 1000.0
              - coveredSeconds(spanMillisByStage.keySet(), startMillis, endMillis);
      double seconds = 0;
      double longest = 0;
      for (Map.Entry<Integer, long[]> stage : spanMillisByStage.entrySet()) {
        double[] durations = durationSecondsByStage.get(stage.getKey());
        long[] span = stage.getValue();
        long from = Math.max(span[0], startMillis);
        long to = Math.min(span[1], endMillis);
        if (renderStages.contains(stage.getKey())
            || durations == null
            || to <= from
            || span[1] <= span[0]) {
          continue;
        }
        double outside = (to - from) / 1000.0 - coveredSeconds(renderStages, from, to);
        double share = Math.max(0, outside) / ((span[1] - span[0]) / 1000.0);
        seconds += durations[0] * share;
        longest += durations[1] * share;
      }
      return new RunSummary.PhaseTasks(Math.max(0, noTask), seconds, longest);
    }

    /**
     * Slot-seconds of other stages' attempts (launch to finish) while a render stage ran: each
     * stage in the share of its span that render stages cover. Task slots the render did not get:
     * on a cluster whose every slot holds a GPU, GPU-seconds that rendered nothing, however many
     * GPUs (a MERGE beside the render, the Delta jobs of a wave's commit).
     */
    double otherTaskSecondsDuringRenderStages(java.util.Collection<Integer> renderStages) {
      double seconds = 0;
      for (Map.Entry<Integer, long[]> stage : spanMillisByStage.entrySet()) {
        double[] durations = durationSecondsByStage.get(stage.getKey());
        long[] span = stage.getValue();
        if (renderStages.contains(stage.getKey()) || durations == null || span[1] <= span[0]) {
          continue;
        }
        double covered = coveredSeconds(renderStages, span[0], span[1]);
        seconds += durations[0] * covered / ((span[1] - span[0]) / 1000.0);
      }
      return seconds;
    }

    /**
     * Wall seconds during which any of {@code renderStages} ran: per stage, its first attempt's
     * launch to its last attempt's end, and the union of those spans (waves in flight at once
     * overlap: the next wave's tasks start as the slots of the one before free up).
     */
    double spanSeconds(java.util.Collection<Integer> renderStages) {
      return coveredSeconds(renderStages, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * Wall seconds from {@code startMillis} to {@code endMillis} (epoch) during which any of {@code
     * renderStages} ran.
     */
    double coveredSeconds(
        java.util.Collection<Integer> renderStages, long startMillis, long endMillis) {
      long[][] spans = spansInOrder(renderStages);
      long covered = 0;
      long end = Long.MIN_VALUE;
      for (long[] span : spans) {
        long from = Math.max(Math.max(span[0], end), startMillis);
        long to = Math.min(span[1], endMillis);
        if (to > from) {
          covered += to - from;
        }
        end = Math.max(end, span[1]);
      }
      return covered / 1000.0;
    }

    /** The spans of {@code stages}, each {@code {first launch, last end}}, by their start. */
    private long[][] spansInOrder(java.util.Collection<Integer> stages) {
      return spanMillisByStage.entrySet().stream()
          .filter(e -> stages.contains(e.getKey()))
          .map(Map.Entry::getValue)
          .sorted(java.util.Comparator.comparingLong(span -> span[0]))
          .toArray(long[][]::new);
    }

    /**
     * The stretches from {@code startMillis} to {@code endMillis} (epoch) during which none of
     * {@code stages} ran, each {@code {from, to}}, in time order.
     */
    java.util.List<long[]> uncovered(
        java.util.Collection<Integer> stages, long startMillis, long endMillis) {
      long[][] spans = spansInOrder(stages);
      java.util.List<long[]> gaps = new java.util.ArrayList<>();
      long covered = startMillis;
      for (long[] span : spans) {
        if (span[0] > covered && covered < endMillis) {
          gaps.add(new long[] {covered, Math.min(span[0], endMillis)});
        }
        covered = Math.max(covered, span[1]);
      }
      if (covered < endMillis) {
        gaps.add(new long[] {covered, endMillis});
      }
      return gaps;
    }

    /**
     * Executor run time of the successful attempts of stages other than {@code renderStages}: the
     * job's other tasks (reading the catalog, the shuffle that spreads rows over render tasks).
     */
    double otherStagesSeconds(java.util.Collection<Integer> renderStages) {
      return successfulSecondsByStage.values().stream().mapToDouble(Double::doubleValue).sum()
          - successfulSeconds(renderStages);
    }

    /** Executor run time of the successful attempts of {@code renderStages}. */
    double successfulSeconds(java.util.Collection<Integer> renderStages) {
      return successfulSecondsByStage.entrySet().stream()
          .filter(e -> renderStages.contains(e.getKey()))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }
  }

  private long attempts;
  private long failed;
  private double taskSeconds;
  private double wastedSeconds;
  private final Map<String, Integer> reasons = new TreeMap<>();
  private final Map<Integer, Double> successfulByStage = new TreeMap<>();
  private final Map<Integer, long[]> spans = new TreeMap<>();
  private final Map<Integer, double[]> durations = new TreeMap<>();

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    TaskInfo info = end.taskInfo();
    double seconds =
        end.taskMetrics() != null && end.taskMetrics().executorRunTime() > 0
            ? end.taskMetrics().executorRunTime() / 1000.0
            : info.duration() / 1000.0;
    attempts++;
    taskSeconds += seconds;
    long[] span =
        spans.computeIfAbsent(end.stageId(), id -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
    span[0] = Math.min(span[0], info.launchTime());
    span[1] = Math.max(span[1], info.finishTime());
    double duration = Math.max(0, info.finishTime() - info.launchTime()) / 1000.0;
    double[] stage = durations.computeIfAbsent(end.stageId(), id -> new double[2]);
    stage[0] += duration;
    stage[1] = Math.max(stage[1], duration);
    if (info.successful()) {
      successfulByStage.merge(end.stageId(), seconds, Double::sum);
    } else {
      failed++;
      wastedSeconds += seconds;
      reasons.merge(reason(end), 1, Integer::sum);
    }
  }

  /** Spark's reason: its root cause's line, at most 160 characters. */
  private static String reason(SparkListenerTaskEnd end) {
    String full =
        end.reason() instanceof org.apache.spark.TaskFailedReason failed
            ? failed.toErrorString()
            : end.reason().toString();
    String text = full.lines().findFirst().orElse("");
    for (String line : full.lines().toList()) {
      if (line.startsWith("Caused by: ")) {
        text = line.substring("Caused by: ".length()); // the deepest cause is the last
      }
    }
    return text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }

  synchronized Figures figures() {
    StringBuilder text = new StringBuilder();
    reasons.forEach(
        (reason, count) ->
            text.append(text.length() == 0 ? "" : "; ")
                .append(String.format(Locale.ROOT, "%dx %s", count, reason)));
    return new Figures(
        attempts,
        failed,
        taskSeconds,
        wastedSeconds,
        text.length() == 0 ? null : text.toString(),
        Map.copyOf(successfulByStage),
        copyOf(spans, long[]::clone),
        copyOf(durations, double[]::clone));
  }

  /** A copy of {@code byStage} whose arrays later task ends do not change. */
  private static <T> Map<Integer, T> copyOf(
      Map<Integer, T> byStage, java.util.function.UnaryOperator<T> clone) {
    Map<Integer, T> copy = new TreeMap<>();
    byStage.forEach((stage, values) -> copy.put(stage, clone.apply(values)));
    return java.util.Collections.unmodifiableMap(copy);
  }
}
