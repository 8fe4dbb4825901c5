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
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing(
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.executor.heartbeatInterval", "2s");
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
}
