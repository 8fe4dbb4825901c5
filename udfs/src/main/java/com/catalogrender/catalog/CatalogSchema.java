package com.catalogrender.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a catalog must have, checked on the driver before any model is loaded. Integer
 * columns accept any integer type; the error names every bad column, its type and the fix.
 */
public final class CatalogSchema {
  public static final String SKU = "sku";
  public static final String CATEGORY = "category";
  public static final String PROMPT = "prompt";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";
  public static final String SEED = "seed";
  public static final String SOURCE_IMAGE = "source_image";
  public static final String UPDATED_AT = "updated_at";

  private static final Set<DataType> INTEGERS =
      Set.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType);
  private static final Set<DataType> TEXT = Set.of(DataTypes.StringType);
  private static final Set<DataType> TIME = Set.of(DataTypes.TimestampType, DataTypes.DateType);

  private static final Map<String, Set<DataType>> REQUIRED = new LinkedHashMap<>();

  static {
    REQUIRED.put(SKU, TEXT);
    REQUIRED.put(CATEGORY, TEXT);
    REQUIRED.put(PROMPT, TEXT);
    REQUIRED.put(WIDTH, INTEGERS);
    REQUIRED.put(HEIGHT, INTEGERS);
    REQUIRED.put(SEED, INTEGERS);
    REQUIRED.put(UPDATED_AT, TIME);
  }

  private CatalogSchema() {}

  /** Throws {@link IllegalArgumentException} naming every missing or mistyped column. */
  public static void validate(String catalog, StructType schema) {
    List<String> problems = new ArrayList<>();
    Map<String, StructField> fields = new LinkedHashMap<>();
    for (StructField field : schema.fields()) {
      fields.put(field.name().toLowerCase(java.util.Locale.ROOT), field);
    }
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Set<DataType>> column : REQUIRED.entrySet()) {
      StructField field = fields.get(column.getKey());
      if (field == null) {
        missing.add(column.getKey());
      } else if (!column.getValue().contains(field.dataType())) {
        problems.add(
            "column '"
                + column.getKey()
                + "' has type "
                + field.dataType().simpleString()
                + ", expected "
                + describe(column.getValue()));
      }
    }
    StructField source = fields.get(SOURCE_IMAGE);
    if (source != null && !TEXT.contains(source.dataType())) {
      problems.add(
          "column 'source_image' has type "
              + source.dataType().simpleString()
              + ", expected string (a path or URI of a PNG cut-out)");
    }
    if (!missing.isEmpty()) {
      problems.add(0, "missing column(s) " + missing);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Catalog "
              + catalog
              + " does not have the expected schema: "
              + String.join("; ", problems)
              + ". It has: "
              + schema.simpleString()
              + ". Expected sku string, category string, prompt string, width int, height int,"
              + " seed bigint, updated_at timestamp, optional source_image string.");
    }
  }

  public static boolean hasSourceImage(StructType schema) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(SOURCE_IMAGE)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Set<DataType> types) {
    if (types == INTEGERS) {
      return "an integer type (int, bigint, smallint)";
    }
    if (types == TIME) {
      return "timestamp or date";
    }
    return "string";
  }
}
