package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputHashTest {
  private static Map<String, String> fingerprint() {
    Map<String, String> f = new HashMap<>();
    f.put("prompt", "red mug");
    f.put("width", "512");
    f.put("steps", "25");
    return f;
  }

  @Test
  void isStableWhateverTheOrderAndChangesWithEveryComponent() {
    String base = InputHash.of(fingerprint());
    assertEquals(32, base.length());
    Map<String, String> reordered = new LinkedHashMap<>();
    reordered.put("steps", "25");
    reordered.put("width", "512");
    reordered.put("prompt", "red mug");
    assertEquals(base, InputHash.of(reordered));
    for (String key : fingerprint().keySet()) {
      Map<String, String> changed = fingerprint();
      changed.put(key, changed.get(key) + " ");
      assertNotEquals(base, InputHash.of(changed), key);
    }
    Map<String, String> more = fingerprint();
    more.put("cutout_content", "sha256:00");
    assertNotEquals(base, InputHash.of(more));
  }

  @Test
  void componentsCannotCollideByConcatenation() {
    assertNotEquals(InputHash.of(Map.of("a", "bc")), InputHash.of(Map.of("ab", "c")));
    Map<String, String> nullPrompt = new HashMap<>();
    nullPrompt.put("prompt", null);
    assertNotEquals(InputHash.of(nullPrompt), InputHash.of(Map.of("prompt", "\u0000null")));
  }
}
