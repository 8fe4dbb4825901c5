package com.catalogrender.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.results.RunSummary;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleGoalsTest {
  private static ObjectNode size(ObjectNode scale, int rows, double wall, double overhead64) {
    ObjectNode s = scale.putObject(Integer.toString(rows));
    s.put("wall_seconds", wall);
    s.put("executor_idle_during_captions_share_of_render", 0.014);
    s.put("plan_with_history_seconds", 90.0);
    // after young collections, with old garbage, the driver's heap is over 2 GiB; its live data
    // (full collections, the executors' Spark memory taken out) under it
    s.put("heap_peak_after_collection_mib", 3100);
    s.put("driver_heap_peak_after_collection_mib", 2900);
    s.put("driver_live_heap_peak_mib", 1200);
    s.put("plan_with_history_driver_live_heap_peak_mib", 650);
    s.put("plan_with_history_heap_peak_after_collection_mib", 900);
    s.put("plan_with_history_driver_heap_peak_after_collection_mib", 700);
    s.put("heap_peak_mib", 2600);
    s.putObject("projection").putObject("64_gpus").put("driver_overhead_share", overhead64);
    return s;
  }

  @Test
  void linearWallIsJudgedOnTheSecondsEachFurtherRowAdds() {
    ObjectNode scale = new ObjectMapper().createObjectNode();
    // 40 s fixed + 2 ms a row, then 2.1 ms a row from 10^5 to 10^6: 5% drift, linear
    size(scale, 10_000, 60, 5.6);
    size(scale, 100_000, 240, 0.96);
    size(scale, 1_000_000, 240 + 900_000 * 0.0021, 0.2);
    ScaleGoals.judge(scale, List.of(10_000, 100_000, 1_000_000));
    ObjectNode goals = (ObjectNode) scale.get("goals");
    assertTrue(goals.get("linear_wall").get("met").asBoolean(), goals.toString());
    assertEquals(0.05, goals.get("linear_wall").get("figure").asDouble(), 1e-4);
    assertTrue(goals.get("caption_idle_share_of_render_at_100000_rows").get("met").asBoolean());
    assertTrue(goals.get("plan_seconds_at_1000000_rows_of_history").get("met").asBoolean());
    // judged on the driver's live heap; after any collection, the JVM's and the sampled peak
    // (with garbage) are reported beside it
    ObjectNode heap = (ObjectNode) goals.get("driver_live_heap_peak_mib");
    assertTrue(heap.get("met").asBoolean(), heap.toString());
    assertEquals(1200, heap.get("figure").asLong());
    assertEquals(
        2900, heap.get("driver_heap_peak_after_any_collection_mib_old_garbage_included").asLong());
    assertEquals(3100, heap.get("jvm_heap_peak_after_collection_mib_executors_included").asLong());
    assertEquals(2600, heap.get("sampled_peak_mib_with_garbage_not_yet_collected").asLong());
    // the projection at the largest size: 20%, far from 1%
    assertFalse(goals.get("projected_driver_overhead_share_64_gpus").get("met").asBoolean());
    assertEquals(
        1_000_000, goals.get("projected_driver_overhead_share_64_gpus").get("at_rows").asInt());

    // a per-row cost that grows with the catalog is not linear
    ObjectNode superLinear = new ObjectMapper().createObjectNode();
    size(superLinear, 10_000, 60, 5.6);
    size(superLinear, 100_000, 240, 0.96);
    size(superLinear, 1_000_000, 240 + 900_000 * 0.0025, 0.2);
    ScaleGoals.judge(superLinear, List.of(10_000, 100_000, 1_000_000));
    assertFalse(superLinear.get("goals").get("linear_wall").get("met").asBoolean());
  }

  @Test
  void goalsWhoseSizeWasNotRunSaySo() {
    ObjectNode scale = new ObjectMapper().createObjectNode();
    size(scale, 10_000, 60, 5.6);
    size(scale, 100_000, 240, 0.96);
    ScaleGoals.judge(scale, List.of(10_000, 100_000));
    ObjectNode goals = (ObjectNode) scale.get("goals");
    assertTrue(goals.get("plan_seconds_at_1000000_rows_of_history").has("not_measured"));
    assertTrue(goals.get("linear_wall").has("not_measured"));
    assertTrue(goals.get("caption_idle_share_of_render_at_100000_rows").get("met").asBoolean());
  }

  @Test
  void theOverheadGoalIsJudgedOnTheMeasuredPhasesNotOnTheirSpreadOverTheCluster() {
    ObjectNode scale = new ObjectMapper().createObjectNode();
    size(scale, 10_000, 60, 5.6);
    ObjectNode largest = size(scale, 100_000, 240, 0.2);
    ((ObjectNode) largest.get("projection").get("64_gpus"))
        .put("driver_overhead_share_if_other_tasks_spread", 0.004);
    ScaleGoals.judge(scale, List.of(10_000, 100_000));
    ObjectNode goal =
        (ObjectNode) scale.get("goals").get("projected_driver_overhead_share_64_gpus");
    assertFalse(goal.get("met").asBoolean(), goal.toString());
    assertEquals(0.2, goal.get("figure").asDouble(), 1e-9);
    assertEquals(
        0.004, goal.get("not_judged_if_other_tasks_spread_over_64_slots").asDouble(), 1e-9);
  }

  @Test
  void onlyTheOtherStagesTasksSpreadOverTheClustersSlots() {
    // plan: 10 s outside, 4 s alone, 12 slot-seconds of tasks, longest 1 s; merge: 30 s outside,
    // 2 s alone, 56 slot-seconds, one 20 s task; record: no record of its tasks
    Map<String, Double> outside = Map.of("plan", 10.0, "merge", 30.0, "record run", 3.0);
    Map<String, RunSummary.PhaseTasks> tasks =
        Map.of(
            "plan", new RunSummary.PhaseTasks(4, 12, 1),
            "merge", new RunSummary.PhaseTasks(2, 56, 20));
    assertEquals(
        (4 + 1 + 12 / 64.0) + (2 + 20 + 56 / 64.0) + 3,
        ScaleSimulation.secondsIfOtherTasksSpread(outside, tasks, 64),
        1e-9);
    // never more than measured: on 2 slots the plan's formula (4 + 1 + 6) is over its 10 s, the
    // merge's (2 + 20 + 28) over its 30 s
    assertEquals(10 + 30 + 3, ScaleSimulation.secondsIfOtherTasksSpread(outside, tasks, 2), 1e-9);
  }
}
