package com.catalogrender.tables;

import io.delta.tables.DeltaTable;
import java.io.Serializable;
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

  /**
   * Registers {@code renders}, {@code runs}, {@code audits} and {@code catalog} (those that exist)
   * as views of the session, and the cost views over {@code renders} and {@code runs}.
   */
  public void registerViews(SparkSession spark, String catalog) {
    register(spark, "renders", renders());
    register(spark, "runs", runs());
    register(spark, "audits", audits());
    register(spark, "calibration", calibration());
    register(spark, "current_images", currentImages());
    register(spark, "catalog", catalog);
    if (spark.catalog().tableExists("renders")) {
      CostViews.register(spark);
    }
    if (spark.catalog().tableExists("runs")
        && java.util.Arrays.asList(spark.table("runs").columns()).contains("fixed_costs_eur")) {
      CostViews.registerRunCosts(spark);
    }
  }

  private static void register(SparkSession spark, String view, String path) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      spark.read().format("delta").load(path).createOrReplaceTempView(view);
    }
  }
}
