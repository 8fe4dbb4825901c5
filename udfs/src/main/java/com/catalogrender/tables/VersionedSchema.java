package com.catalogrender.tables;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Delta table's declared schema and its version. New tables are created with exactly these
 * columns, partitioned as declared, with the version in the table property {@value #PROPERTY}.
 * Appends never merge schemas silently: rows must have the declared columns and types, and a table
 * whose columns differ from the declaration is only evolved (its missing columns added, its
 * property raised) when its recorded version is older than the declared one. A table written by a
 * newer or different catalog-render (columns this one does not know, or a newer version) is refused
 * with the columns that differ. Tables created before versions were recorded count as version 1.
 *
 * @param table the table's name, for messages
 * @param version the declared version: raise it whenever the columns change (SchemaVersionsTest
 *     holds each version's columns)
 * @param schema the declared columns, in order
 * @param partitionedBy the partition columns of a new table
 */
public record VersionedSchema(
    String table, int version, StructType schema, List<String> partitionedBy) {
  public static final String PROPERTY = "catalogrender.schemaVersion";

  private static final Logger LOG = LoggerFactory.getLogger(VersionedSchema.class);

  /** Tables (name, version, path) this JVM has checked or created: each checked once. */
  private static final java.util.Set<String> CHECKED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  public VersionedSchema {
    partitionedBy = List.copyOf(partitionedBy);
    for (String column : partitionedBy) {
      schema.apply(column); // throws when the partition column is not declared
    }
  }

  /** An unpartitioned table's schema. */
  public static VersionedSchema of(String table, int version, StructType schema) {
    return new VersionedSchema(table, version, schema, List.of());
  }

  /**
   * Appends {@code rows} (with the declared columns, any order) to the table at {@code path},
   * creating it if it does not exist, evolving it if its version is older; {@code options} go to
   * Delta's writer (e.g. userMetadata).
   */
  public void append(Dataset<Row> rows, String path, Map<String, String> options) {
    Dataset<Row> declared = conform(rows);
    ensure(rows.sparkSession(), path);
    declared.write().format("delta").mode("append").options(options).save(path);
  }

  /**
   * Creates the table at {@code path} when it does not exist; checks an existing one, and evolves
   * an older one: its missing columns added by an empty append (the only append that may change a
   * schema), its version property raised.
   */
  public void ensure(SparkSession spark, String path) {
    if (prepare(spark, path)) {
      spark
          .createDataFrame(List.of(), schema)
          .write()
          .format("delta")
          .mode("append")
          .option("mergeSchema", "true")
          .save(path);
      setVersion(spark, path);
    }
  }

  /** The rows' declared columns in declared order; an error names missing or mistyped columns. */
  Dataset<Row> conform(Dataset<Row> rows) {
    StructType actual = rows.schema();
    List<String> problems = new ArrayList<>();
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      DataType type = typeOf(actual, field.name());
      if (type == null) {
        problems.add(field.name() + " is missing");
      } else if (!sameType(type, field.dataType())) {
        problems.add(
            field.name()
                + " is "
                + type.simpleString()
                + ", declared "
                + field.dataType().simpleString());
      }
      columns.add(rows.col(field.name()));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Rows for "
              + table
              + " do not match its schema version "
              + version
              + ": "
              + String.join("; ", problems));
    }
    return rows.select(columns.toArray(new Column[0]));
  }

  /**
   * Creates a missing table, or checks an existing one against the declaration (once per JVM).
   *
   * @return whether the existing table must be evolved to the declared version
   */
  boolean prepare(SparkSession spark, String path) {
    String key = table + "@" + version + ":" + path;
    if (CHECKED.contains(key)) {
      // checked in this JVM already: Delta itself refuses an append whose columns differ
      return false;
    }
    if (!DeltaTable.isDeltaTable(spark, path)) {
      create(spark, path);
      CHECKED.add(key);
      return false;
    }
    DeltaTable delta = DeltaTable.forPath(spark, path);
    Row detail = delta.detail().first();
    Map<String, String> properties = detail.getJavaMap(detail.fieldIndex("properties"));
    int recorded = recordedVersion(properties, path);
    StructType existing = delta.toDF().schema();
    Map<String, String> unknown = new TreeMap<>();
    List<String> missing = new ArrayList<>();
    for (StructField field : existing.fields()) {
      DataType declared = typeOf(schema, field.name());
      if (declared == null) {
        unknown.put(field.name(), field.dataType().simpleString());
      } else if (!sameType(declared, field.dataType())) {
        unknown.put(
            field.name(),
            field.dataType().simpleString() + " (declared " + declared.simpleString() + ")");
      }
    }
    for (StructField field : schema.fields()) {
      if (typeOf(existing, field.name()) == null) {
        missing.add(field.name());
      }
    }
    if (recorded > version || !unknown.isEmpty()) {
      throw new IllegalStateException(
          String.format(
              "The %s table at %s has schema version %d%s; this catalog-render writes version %d."
                  + " Use the catalog-render that wrote it, or another --warehouse.",
              table,
              path,
              recorded,
              unknown.isEmpty() ? "" : " and columns this version does not know: " + unknown,
              version));
    }
    if (!missing.isEmpty() && recorded == version) {
      throw new IllegalStateException(
          String.format(
              "The %s table at %s has schema version %d but lacks the columns %s of that version:"
                  + " it was changed outside catalog-render. Add the columns, or use another"
                  + " --warehouse.",
              table, path, recorded, missing));
    }
    CHECKED.add(key);
    if (recorded < version) {
      LOG.info(
          "Evolving {} at {} from schema version {} to {}: adding {}",
          table,
          path,
          recorded,
          version,
          missing.isEmpty() ? "no columns" : missing);
      List<String> partitions = detail.getList(detail.fieldIndex("partitionColumns"));
      if (!partitions.equals(partitionedBy)) {
        LOG.warn(
            "{} at {} is partitioned by {} (created before schema version {}), not by {}; it"
                + " stays as it is",
            table,
            path,
            partitions,
            version,
            partitionedBy);
      }
      return true;
    }
    return false;
  }

  private void create(SparkSession spark, String path) {
    DeltaTable.createIfNotExists(spark)
        .location(qualified(spark, path))
        .addColumns(schema)
        .partitionedBy(partitionedBy.toArray(new String[0]))
        .property(PROPERTY, Integer.toString(version))
        .execute();
  }

  private void setVersion(SparkSession spark, String path) {
    spark.sql(
        "ALTER TABLE delta.`"
            + qualified(spark, path).replace("`", "``")
            + "` SET TBLPROPERTIES ('"
            + PROPERTY
            + "' = '"
            + version
            + "')");
  }

  /**
   * {@code path} with its file system and, if relative, the working directory: Delta names a table
   * by path as {@code delta.`path`} (its table builder too, given only a location) and takes only
   * an absolute path there; a relative one ({@code --warehouse out/demo/warehouse}) was refused as
   * an invalid table name.
   */
  private static String qualified(SparkSession spark, String path) {
    org.apache.hadoop.fs.Path location = new org.apache.hadoop.fs.Path(path);
    try {
      return location
          .getFileSystem(spark.sessionState().newHadoopConf())
          .makeQualified(location)
          .toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot reach the file system of " + path, e);
    }
  }

  private int recordedVersion(Map<String, String> properties, String path) {
    String value = properties.get(PROPERTY);
    if (value == null) {
      return 1;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "The "
              + table
              + " table at "
              + path
              + " has a table property "
              + PROPERTY
              + " = '"
              + value
              + "' that is not a version number; set it to the table's schema version.");
    }
  }

  /** The same type, nullability aside (Delta records nullability differently by how it wrote). */
  private static boolean sameType(DataType a, DataType b) {
    return a.catalogString().equals(b.catalogString());
  }

  private static DataType typeOf(StructType struct, String name) {
    for (StructField field : struct.fields()) {
      if (field.name().equals(name)) {
        return field.dataType();
      }
    }
    return null;
  }
}
