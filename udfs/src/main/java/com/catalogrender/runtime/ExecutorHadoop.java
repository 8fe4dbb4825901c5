package com.catalogrender.runtime;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * The Hadoop configuration of the JVM's Spark environment (an executor's, or the driver's in local
 * mode), made from its Spark conf once per environment: making one parses Hadoop's default
 * resources again (tens of milliseconds), too much per task and far too much per row. Callers only
 * read it. Outside Spark: a fresh default configuration.
 */
public final class ExecutorHadoop {
  private static SparkEnv madeFor;
  private static Configuration made;

  private ExecutorHadoop() {}

  public static synchronized Configuration get() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return new Configuration();
    }
    if (madeFor != env) {
      made = SparkHadoopUtil.get().newConfiguration(env.conf());
      madeFor = env;
    }
    return made;
  }
}
