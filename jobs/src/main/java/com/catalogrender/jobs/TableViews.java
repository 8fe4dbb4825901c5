package com.catalogrender.jobs;

import com.catalogrender.cost.CostViews;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;

/**
 * Registers catalog, renders and runs (where they exist) and the cost views, for sql and
 * sql-server.
 */
final class TableViews {
  private TableViews() {}

  static void registerAll(SparkSession spark, String warehouse, String catalog) {
    register(spark, "renders", warehouse + "/renders");
    register(spark, "runs", warehouse + "/runs");
    register(spark, "audits", warehouse + "/audits");
    register(spark, "catalog", catalog);
    if (spark.catalog().tableExists("renders")) {
      CostViews.register(spark);
    }
  }

  private static void register(SparkSession spark, String view, String path) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      spark.read().format("delta").load(path).createOrReplaceTempView(view);
    }
  }
}
