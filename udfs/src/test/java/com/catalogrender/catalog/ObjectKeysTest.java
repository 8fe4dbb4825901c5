package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {
  @Test
  void keysAreFlatAsciiNamesWithTheHash() {
    assertEquals("SKU-000001-abc.png", ObjectKeys.imageKey("SKU-000001", "abc", "PNG"));
    assertEquals(
        "shelf_A_12_unicode-h.webp", ObjectKeys.imageKey("shelf/A 12 ünïcode", "h", "webp"));
    assertEquals("sku-h.jpg", ObjectKeys.imageKey("///", "h", "jpg"));
    assertEquals("sku-h.png", ObjectKeys.imageKey("日本", "h", "png"));
    String longSku = "x".repeat(500);
    assertEquals(80 + "-h.png".length(), ObjectKeys.imageKey(longSku, "h", "png").length());
  }

  @Test
  void pathTraversalNullAndBlankSkusAreRejectedWithAReason() {
    assertTrue(ObjectKeys.rejectReason("../../etc/passwd").contains("path-traversal"));
    assertTrue(ObjectKeys.rejectReason("a/./b").contains("path-traversal"));
    assertTrue(ObjectKeys.rejectReason("..\\windows").contains("path-traversal"));
    assertEquals(
        "sku is null or empty; every catalog row needs a SKU", ObjectKeys.rejectReason(" "));
    assertNull(ObjectKeys.rejectReason("shelf/A 12"));
    assertNull(ObjectKeys.rejectReason("v1..2"));
  }
}
