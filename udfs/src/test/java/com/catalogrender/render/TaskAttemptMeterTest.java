package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskAttemptMeterTest {
  private static TaskAttemptMeter.Figures spans(Map<Integer, long[]> spans) {
    return new TaskAttemptMeter.Figures(0, 0, 0, 0, null, Map.of(), spans);
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
}
