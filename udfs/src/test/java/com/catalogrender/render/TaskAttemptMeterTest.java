package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.catalogrender.results.RunSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskAttemptMeterTest {
  private static TaskAttemptMeter.Figures spans(Map<Integer, long[]> spans) {
    return spans(spans, Map.of());
  }

  private static TaskAttemptMeter.Figures spans(
      Map<Integer, long[]> spans, Map<Integer, double[]> durations) {
    return new TaskAttemptMeter.Figures(0, 0, 0, 0, null, Map.of(), spans, durations);
  }

  /** Render stages from 10 s to 20 s and 18 s to 30 s, and 40 s to 45 s. */
  private static TaskAttemptMeter.Figures threeRenderStages() {
    return spans(
        Map.of(
            1, new long[] {10_000, 20_000},
            2, new long[] {18_000, 30_000},
            3, new long[] {40_000, 45_000}));
  }

  @Test
  void renderStagesThatOverlapCountTheirWallOnce() {
    // wave 2's tasks start at 8 s while wave 1's last task runs to 10 s; stage 3 is not a render
    TaskAttemptMeter.Figures figures =
        spans(
            Map.of(
                1, new long[] {0, 10_000},
                2, new long[] {8_000, 15_000},
                3, new long[] {0, 40_000},
                4, new long[] {20_000, 21_000},
                5, new long[] {20_500, 20_800}));
    assertEquals(16.0, figures.spanSeconds(List.of(1, 2, 4, 5)), 1e-9);
    assertEquals(10.0, figures.spanSeconds(List.of(1)), 1e-9);
    assertEquals(0.0, figures.spanSeconds(List.of(9)), 1e-9);
  }

  @Test
  void theStretchesNoRenderStageCoversAreListedInTimeOrder() {
    TaskAttemptMeter.Figures figures = threeRenderStages();
    List<long[]> gaps = figures.uncovered(List.of(1, 2, 3), 5_000, 50_000);
    assertEquals(3, gaps.size());
    assertEquals(List.of(5_000L, 10_000L), List.of(gaps.get(0)[0], gaps.get(0)[1]));
    assertEquals(List.of(30_000L, 40_000L), List.of(gaps.get(1)[0], gaps.get(1)[1]));
    assertEquals(List.of(45_000L, 50_000L), List.of(gaps.get(2)[0], gaps.get(2)[1]));
    assertEquals(0, figures.uncovered(List.of(1, 2), 11_000, 29_000).size());
    List<long[]> within = figures.uncovered(List.of(1, 2, 3), 25_000, 42_000);
    assertEquals(List.of(30_000L, 40_000L), List.of(within.get(0)[0], within.get(0)[1]));
    assertEquals(1, within.size());
  }

  @Test
  void aPhaseOutsideTheRenderStagesIsTheWallNoRenderTaskCovered() {
    TaskAttemptMeter.Figures figures = threeRenderStages();
    List<Integer> stages = List.of(1, 2, 3);
    assertEquals(5.0, figures.coveredSeconds(stages, 5_000, 15_000), 1e-9);
    assertEquals(13.0, figures.coveredSeconds(stages, 19_000, 42_000), 1e-9);
    assertEquals(0.0, figures.coveredSeconds(stages, 30_000, 40_000), 1e-9);
    Map<String, Double> outside =
        RecordPhase.outsideRenderStages(
            List.of(
                new JobLabels.Stretch("plan", 0, 10_000),
                new JobLabels.Stretch("render wave", 10_000, 35_000),
                new JobLabels.Stretch("merge", 35_000, 42_000),
                new JobLabels.Stretch("render wave", 42_000, 45_000)),
            figures,
            java.util.Set.copyOf(stages),
            // wall 48 s less 25 s of render stages; recording after the last label: 3 s
            23.0);
    assertEquals(
        Map.of("plan", 10.0, "render wave", 5.0, "merge", 5.0, "record run", 3.0), outside);
  }

  @Test
  void outsideTheRenderStagesTheDriverIsAloneOrOtherStagesRun() {
    // plan: stage 7, two 4 s tasks from 0 to 8 s; render stage 1 from 10 s to 20 s; a merge's
    // stage 8 from 16 s to 40 s (three tasks, 30 s in all, the longest 12 s), 4 s of its span
    // under the render stage
    TaskAttemptMeter.Figures figures =
        spans(
            Map.of(
                7, new long[] {0, 8_000},
                1, new long[] {10_000, 20_000},
                8, new long[] {16_000, 40_000}),
            Map.of(7, new double[] {8, 4}, 1, new double[] {20, 10}, 8, new double[] {30, 12}));
    Map<String, RunSummary.PhaseTasks> tasks =
        RecordPhase.outsideRenderStageTasks(
            List.of(
                new JobLabels.Stretch("plan", 0, 10_000),
                new JobLabels.Stretch("render wave", 10_000, 20_000),
                new JobLabels.Stretch("merge", 20_000, 42_000),
                new JobLabels.Stretch("plan", 42_000, 43_000)),
            figures,
            java.util.Set.of(1));
    // plan: 2 s + 1 s with no task, all of stage 7's attempts
    assertEquals(new RunSummary.PhaseTasks(3, 8, 4), tasks.get("plan"));
    // render wave: covered by the render stage; stage 8 ran under it, not outside
    assertEquals(new RunSummary.PhaseTasks(0, 0, 0), tasks.get("render wave"));
    // merge: 2 s alone; 20 of stage 8's 24 s of span fall here outside the render stage
    RunSummary.PhaseTasks merge = tasks.get("merge");
    assertEquals(2, merge.noTaskSeconds(), 1e-9);
    assertEquals(30 * 20 / 24.0, merge.otherTaskSeconds(), 1e-9);
    assertEquals(12 * 20 / 24.0, merge.longestOtherTaskSeconds(), 1e-9);
  }

  @Test
  void otherStagesUnderTheRenderTakeTheirCoveredShareOfSlotSeconds() {
    // render stages 1 (10-20 s) and 2 (30-35 s); a merge's stage 8 from 16 s to 40 s (30 slot-s
    // over its 24 s span, 4 + 5 s of it under render stages); stage 7 before any render
    TaskAttemptMeter.Figures figures =
        spans(
            Map.of(
                7, new long[] {0, 8_000},
                1, new long[] {10_000, 20_000},
                2, new long[] {30_000, 35_000},
                8, new long[] {16_000, 40_000}),
            Map.of(
                7, new double[] {8, 4},
                1, new double[] {20, 10},
                2, new double[] {10, 5},
                8, new double[] {30, 12}));
    assertEquals(
        30 * 9 / 24.0, figures.otherTaskSecondsDuringRenderStages(java.util.Set.of(1, 2)), 1e-9);
    assertEquals(0, figures.otherTaskSecondsDuringRenderStages(java.util.Set.of()), 1e-9);
  }
}
