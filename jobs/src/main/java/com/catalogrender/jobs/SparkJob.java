package com.catalogrender.jobs;

import org.apache.spark.sql.SparkSession;

/**
 * A command that runs on Spark. Picocli has parsed its options; {@link #check()} validates them
 * before any SparkSession starts, so a bad argument costs no cluster time.
 */
interface SparkJob {
  /** Validates what needs no Spark; throws IllegalArgumentException naming the bad value. */
  default void check() {}

  /** Runs the command; returns one of {@link ExitCodes}. */
  int run(SparkSession spark) throws Exception;
}
