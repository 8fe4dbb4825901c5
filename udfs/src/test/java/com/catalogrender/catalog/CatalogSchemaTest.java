package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CatalogSchemaTest {
  @Test
  void acceptsTheDemoCatalogAndIntegerWidths() {
    CatalogSchema.validate("demo", DemoCatalog.SCHEMA);
    StructType longs =
        new StructType()
            .add("SKU", DataTypes.StringType)
            .add("category", DataTypes.StringType)
            .add("prompt", DataTypes.StringType)
            .add("width", DataTypes.LongType)
            .add("height", DataTypes.ShortType)
            .add("seed", DataTypes.IntegerType)
            .add("updated_at", DataTypes.DateType);
    CatalogSchema.validate("longs", longs);
  }

  @Test
  void namesEveryMissingAndMistypedColumn() {
    StructType bad =
        new StructType()
            .add("sku", DataTypes.StringType)
            .add("prompt", DataTypes.StringType)
            .add("width", DataTypes.StringType)
            .add("height", DataTypes.IntegerType)
            .add("seed", DataTypes.DoubleType)
            .add("source_image", DataTypes.BinaryType)
            .add("updated_at", DataTypes.TimestampType);
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
