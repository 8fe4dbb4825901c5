package com.catalogrender.bench;

import static com.catalogrender.bench.BenchRuns.round;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The scale benchmark's goals (the million-row issue's), judged on the figures of one {@code bench
 * --scale-simulated} run: each goal gets its figure, its target and whether it was met, or says
 * which size it needs when that size was not run.
 */
final class ScaleGoals {
  /** Executor idle time while waiting for captions, as a share of the render stages. */
  static final double MAX_CAPTION_IDLE_SHARE = 0.05;

  static final int CAPTION_IDLE_SIZE = 100_000;

  /** Planning a catalog against as many rows of history. */
  static final double MAX_PLAN_SECONDS = 120;

  static final int PLAN_SIZE = 1_000_000;

  static final double MAX_HEAP_MIB = 2048;

  /** The driver's phases as a share of the GPUs' cost on a cluster of 64 GPUs. */
  static final double MAX_DRIVER_OVERHEAD_SHARE = 0.01;

  /**
   * Linear wall time: the wall seconds each further row adds, between the two largest sizes, within
   * 10% of what it adds between the two smallest (an affine wall = fixed + rows x rate; a per-row
   * rate that grows with the catalog is what does not scale).
   */
  static final double MAX_MARGINAL_DRIFT = 0.10;

  private ScaleGoals() {}

  /** Writes {@code goals} into {@code scale}, from its sizes' figures. */
  static void judge(ObjectNode scale, List<Integer> sizes) {
    ObjectNode goals = scale.putObject("goals");
    atSize(
        goals.putObject("caption_idle_share_of_render_at_100000_rows"),
        scale,
        CAPTION_IDLE_SIZE,
        "executor_idle_during_captions_share_of_render",
        MAX_CAPTION_IDLE_SHARE,
        "");
    atSize(
        goals.putObject("plan_seconds_at_1000000_rows_of_history"),
        scale,
        PLAN_SIZE,
        "plan_with_history_seconds",
        MAX_PLAN_SECONDS,
        " (about 50 minutes here)");
    // the driver's heap: its live data, measured by full collections during the run, less what
    // Spark's memory manager held for the executors sharing the JVM in local mode (their pages and
    // cached blocks); after young collections the old generation still holds uncollected garbage
    long live = 0;
    long heap = 0;
    long jvm = 0;
    long sampled = 0;
    for (int rows : sizes) {
      JsonNode size = scale.get(Integer.toString(rows));
      live = Math.max(live, size.get("driver_live_heap_peak_mib").asLong());
      live = Math.max(live, size.get("plan_with_history_driver_live_heap_peak_mib").asLong());
      heap = Math.max(heap, size.get("driver_heap_peak_after_collection_mib").asLong());
      heap =
          Math.max(
              heap, size.get("plan_with_history_driver_heap_peak_after_collection_mib").asLong());
      jvm = Math.max(jvm, size.get("heap_peak_after_collection_mib").asLong());
      jvm = Math.max(jvm, size.get("plan_with_history_heap_peak_after_collection_mib").asLong());
      sampled = Math.max(sampled, size.get("heap_peak_mib").asLong());
    }
    ObjectNode heapGoal = goals.putObject("driver_live_heap_peak_mib");
    put(heapGoal, live, "< " + MAX_HEAP_MIB, live < MAX_HEAP_MIB);
    heapGoal.put("driver_heap_peak_after_any_collection_mib_old_garbage_included", heap);
    heapGoal.put("jvm_heap_peak_after_collection_mib_executors_included", jvm);
    heapGoal.put("sampled_peak_mib_with_garbage_not_yet_collected", sampled);
    int largest = sizes.get(sizes.size() - 1);
    JsonNode cluster = scale.get(Integer.toString(largest)).get("projection").get("64_gpus");
    double overhead = cluster.get("driver_overhead_share").asDouble();
    ObjectNode projected = goals.putObject("projected_driver_overhead_share_64_gpus");
    put(
        projected,
        overhead,
        "< " + MAX_DRIVER_OVERHEAD_SHARE,
        overhead < MAX_DRIVER_OVERHEAD_SHARE);
    projected.put("at_rows", largest);
    if (cluster.has("driver_overhead_share_if_other_tasks_spread")) {
      // not the goal's figure: an assumption (the phases' other tasks would spread over 64 slots)
      projected.put(
          "not_judged_if_other_tasks_spread_over_64_slots",
          round(cluster.get("driver_overhead_share_if_other_tasks_spread").asDouble()));
    }
    ObjectNode linear = goals.putObject("linear_wall");
    if (sizes.size() < 3) {
      linear.put("not_measured", "needs three sizes (two always fit a line)");
    } else {
      double first = marginal(scale, sizes.get(0), sizes.get(1));
      double last = marginal(scale, sizes.get(sizes.size() - 2), largest);
      double drift = last / first - 1;
      put(
          linear,
          drift,
          "within +-"
              + MAX_MARGINAL_DRIFT
              + " (wall seconds per further row, largest vs smallest"
              + " step)",
          Math.abs(drift) <= MAX_MARGINAL_DRIFT);
      linear.put("first_step_ms_per_row", round(first * 1e3));
      linear.put("last_step_ms_per_row", round(last * 1e3));
    }
  }

  /**
   * Judges {@code field} of size {@code rows} against {@code max}, or says the size is needed
   * ({@code cost}: how long it takes) when it was not run.
   */
  private static void atSize(
      ObjectNode goal, ObjectNode scale, int rows, String field, double max, String cost) {
    JsonNode size = scale.get(Integer.toString(rows));
    if (size == null) {
      goal.put("not_measured", "needs --scale-sizes to include " + rows + cost);
    } else {
      double figure = size.get(field).asDouble();
      put(goal, figure, "< " + max, figure < max);
    }
  }

  /** Wall seconds each row adds from {@code from} rows to {@code to} rows. */
  private static double marginal(ObjectNode scale, int from, int to) {
    double a = scale.get(Integer.toString(from)).get("wall_seconds").asDouble();
    double b = scale.get(Integer.toString(to)).get("wall_seconds").asDouble();
    return (b - a) / (to - from);
  }

  private static void put(ObjectNode goal, double figure, String target, boolean met) {
    goal.put("figure", round(figure));
    goal.put("target", target);
    goal.put("met", met);
  }
}
