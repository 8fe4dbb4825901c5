package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CatalogSchemaTest {
  @Test
  void acceptsTheDemoCatalogAndIntegerWidths() {
    CatalogSchema.validate("demo", DemoCatalog.SCHEMA);
    StructType longs =
        StructType.fromDDL(
            "SKU string, category string, prompt string, width bigint, height smallint, seed int,"
                + " updated_at date");
    CatalogSchema.validate("longs", longs);
  }

  @Test
  void namesEveryMissingAndMistypedColumn() {
    StructType bad =
        StructType.fromDDL(
            "sku string, prompt string, width string, height int, seed double, source_image binary,"
                + " updated_at timestamp");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CatalogSchema.validate("cat", bad));
    String message = e.getMessage();
    assertTrue(
        message.startsWith(
            "Catalog cat does not have the expected schema: missing column(s) [category]"),
        message);
    assertTrue(
        message.contains("column 'width' has type string, expected an integer type"), message);
    assertTrue(message.contains("column 'seed' has type double"), message);
    assertTrue(message.contains("column 'source_image' has type binary"), message);
  }
}
