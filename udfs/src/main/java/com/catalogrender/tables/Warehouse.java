package com.catalogrender.tables;

import io.delta.tables.DeltaTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Where a run's Delta tables live: {@code renders}, {@code runs} and {@code audits} under one root
 * (a directory or an object store URI), and the views registered over them.
 */
public record Warehouse(String root) implements Serializable {
  public Warehouse {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException(
          "The warehouse location is empty; give a directory or URI");
    }
    root = root.trim();
    while (root.length() > 1 && root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
  }

  public String renders() {
    return root + "/renders";
  }

  public String runs() {
    return root + "/runs";
  }

  public String audits() {
    return root + "/audits";
  }

  /** One row per SKU with its live image ({@code MERGE}d as runs commit). */
  public String currentImages() {
    return root + "/current_images";
  }

  /** Seconds and EUR per render by model, variant, device class and size ({@code calibrate}). */
  public String calibration() {
    return root + "/calibration";
  }

  /** The tables a warehouse may hold, by name. */
  public java.util.Map<String, String> tables() {
    java.util.Map<String, String> tables = new java.util.LinkedHashMap<>();
    tables.put("renders", renders());
    tables.put("runs", runs());
    tables.put("audits", audits());
    tables.put("calibration", calibration());
    tables.put("current_images", currentImages());
    return tables;
  }

  /**
   * Makes the warehouse's tables and the views ({@link Views}) queryable by name in {@code spark}:
   * with {@code database} null, as temporary views of this session over the tables' paths; with a
   * database, as tables of Spark's catalog in that database (created if missing; each an external
   * Delta table at its path, so writes by path and reads by name see the same table) with
   * persistent views, which any session sharing the metastore sees. {@code catalog} (the input
   * catalog, a path) is always a temporary view. Tables not written yet are left out.
   *
   * @return the tables and views registered
   */
  public List<String> registerViews(SparkSession spark, String catalog, String database) {
    List<String> registered = new ArrayList<>();
    if (database != null) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + Views.quote(database));
      spark.catalog().setCurrentDatabase(database);
    }
    for (java.util.Map.Entry<String, String> table : tables().entrySet()) {
      if (!DeltaTable.isDeltaTable(spark, table.getValue())) {
        continue;
      }
      if (database == null) {
        spark.read().format("delta").load(table.getValue()).createOrReplaceTempView(table.getKey());
      } else {
        spark.sql(
            "CREATE TABLE IF NOT EXISTS "
                + Views.quote(database)
                + "."
                + Views.quote(table.getKey())
                + " USING DELTA LOCATION '"
                + table.getValue().replace("'", "\\'")
                + "'");
      }
      registered.add(table.getKey());
    }
    if (catalog != null && DeltaTable.isDeltaTable(spark, catalog)) {
      spark.read().format("delta").load(catalog).createOrReplaceTempView("catalog");
      registered.add("catalog");
    }
    registered.addAll(Views.create(spark, database));
    return registered;
  }

  /** {@link #registerViews(SparkSession, String, String)} as temporary views. */
  public void registerViews(SparkSession spark, String catalog) {
    registerViews(spark, catalog, null);
  }
}
