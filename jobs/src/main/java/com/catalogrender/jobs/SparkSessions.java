package com.catalogrender.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The job's SparkSession: Delta enabled, and small-data defaults for local runs. Settings given by
 * spark-submit or spark-defaults win over the defaults set here.
 */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession getOrCreate(String appName) {
    return getOrCreate(appName, null);
  }

  /**
   * With {@code metastoreWarehouse}, the session keeps its catalog in a Hive metastore: the one
   * Spark's confs name ({@code spark.hadoop.hive.metastore.uris}, a JDBC URL), else an embedded
   * Derby metastore under {@code <warehouse>/_metastore} when the warehouse is a local directory
   * (else in the working directory, Spark's default).
   */
  static SparkSession getOrCreate(String appName, String metastoreWarehouse) {
    SparkConf conf = new SparkConf();
    if (metastoreWarehouse != null) {
      conf.setIfMissing("spark.sql.catalogImplementation", "hive");
      String local = localDirectory(metastoreWarehouse);
      if (local != null
          && !conf.contains("spark.hadoop.hive.metastore.uris")
          && !conf.contains("spark.hadoop.javax.jdo.option.ConnectionURL")) {
        conf.set(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + local + "/_metastore/metastore_db;create=true");
        conf.setIfMissing("spark.sql.warehouse.dir", local + "/_metastore/databases");
      }
    }
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing(
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.executor.heartbeatInterval", "2s");
    // the live images merge beside the render in a pool of their own: FIFO would queue a merge's
    // tasks behind every wave submitted before it, and the waves after it behind the merge
    conf.setIfMissing("spark.scheduler.mode", "FAIR");
    conf.setIfMissing("spark.ui.showConsoleProgress", "true");
    if (appName.endsWith("sql-server")) {
      // every JDBC connection shares this session, so it sees the registered views
      conf.setIfMissing(SqlServerCommand.SINGLE_SESSION, "true");
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
      conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "2");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The absolute local directory of a warehouse given as a path or file: URI, else null. */
  private static String localDirectory(String warehouse) {
    if (warehouse.startsWith("file:")) {
      return java.nio.file.Path.of(java.net.URI.create(warehouse)).toAbsolutePath().toString();
    }
    if (warehouse.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return null;
    }
    return java.nio.file.Path.of(warehouse).toAbsolutePath().toString();
  }
}
