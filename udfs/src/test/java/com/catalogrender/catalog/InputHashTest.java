package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class InputHashTest {
  private static String hash(String prompt, long width, String source, String variant) {
    return InputHash.of(prompt, width, 512, 7, source, "demo", "1.0.0", variant);
  }

  @Test
  void isStableAndChangesWithEveryInput() {
    String base = hash("red mug", 512, null, "int8");
    assertEquals(32, base.length());
    assertEquals(base, hash("red mug", 512, null, "int8"));
    assertNotEquals(base, hash("red mug ", 512, null, "int8"));
    assertNotEquals(base, hash("red mug", 768, null, "int8"));
    assertNotEquals(base, hash("red mug", 512, "s3a://b/cut.png", "int8"));
    assertNotEquals(base, hash("red mug", 512, null, "fp32"));
    assertNotEquals(base, InputHash.of("red mug", 512, 512, 7, null, "demo", "1.0.1", "int8"));
  }

  @Test
  void fieldsCannotCollideByConcatenation() {
    assertNotEquals(
        InputHash.of("ab", 1, 1, 1, "c", "m", "v", "int8"),
        InputHash.of("a", 1, 1, 1, "bc", "m", "v", "int8"));
    assertNotEquals(hash(null, 512, null, "int8"), hash("\u0000null", 512, null, "int8"));
  }
}
