package com.catalogrender.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditSummaryTest {
  /**
   * Two variants with the same similarity; {@code pixelRight} of 10 images pass the pixel check.
   */
  private static Map<String, List<AuditSummary.Scored>> scored(int pixelRight) {
    Map<String, List<AuditSummary.Scored>> byVariant = new LinkedHashMap<>();
    for (String variant : List.of("fp32", "int8")) {
      List<AuditSummary.Scored> list = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        list.add(
            new AuditSummary.Scored(
                "p" + i, 0.8, true, true, true, i < pixelRight, true, null, null));
      }
      byVariant.put(variant, list);
    }
    return byVariant;
  }

  @Test
  void theVerdictGatesOnWhatThePixelCheckSeesAsWellAsOnTheDrop() {
    AuditSummary right = AuditSummary.of("a", "fp32", 0.006, 0.9, scored(10));
    assertTrue(right.passed(), right.table());
    AuditSummary wrongColours = AuditSummary.of("a", "fp32", 0.006, 0.9, scored(6));
    assertFalse(wrongColours.passed(), wrongColours.table());
    assertEquals(0.6, wrongColours.variants().get("int8").pixelColour().mean(), 1e-12);
    assertTrue(wrongColours.table().contains("verdict: FAIL"));
    // the learned scorer says every colour is right: it must not rescue the verdict
    assertEquals(1.0, wrongColours.variants().get("int8").colourAccuracy(), 1e-12);
  }
}
