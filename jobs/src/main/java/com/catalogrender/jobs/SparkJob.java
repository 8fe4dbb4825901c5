package com.catalogrender.jobs;

import org.apache.spark.sql.SparkSession;

/**
 * A command that runs on Spark. Picocli has parsed its options; {@link #check()} validates them
 * before any SparkSession starts, so a bad argument costs no cluster time.
 */
interface SparkJob {
  /** Validates what needs no Spark; throws IllegalArgumentException naming the bad value. */
  default void check() {}

  /**
   * The warehouse whose catalog metastore the command's session uses (a command given {@code
   * --database}), or null for a session without a persistent catalog.
   */
  default String metastoreWarehouse() {
    return null;
  }

  /** Runs the command; returns one of {@link ExitCodes}. */
  int run(SparkSession spark) throws Exception;
}
