package com.catalogrender;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for unit tests: no UI, a name, a number of task slots. */
public final class LocalSpark {
  private LocalSpark() {}

  /** A session builder of {@code slots} task slots named {@code name}, the web UI off. */
  public static SparkSession.Builder builder(String name, int slots) {
    return SparkSession.builder()
        .master("local[" + slots + "]")
        .appName(name)
        .config("spark.ui.enabled", "false");
  }

  /** {@link #builder} with Delta's SQL extension and catalog. */
  public static SparkSession.Builder withDelta(String name, int slots) {
    return builder(name, slots)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  }
}
