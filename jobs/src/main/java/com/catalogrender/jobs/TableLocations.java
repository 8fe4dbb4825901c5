package com.catalogrender.jobs;

import com.catalogrender.tables.Warehouse;
import org.apache.spark.sql.SparkSession;

/** {@code --warehouse} and {@code --catalog} of the commands that query the tables. */
final class TableLocations {
  /** Their rows of an {@link OptionTable}. */
  static final String OPTIONS =
      """
      --warehouse  DIR|URI     text  %s  where the renders, runs and audits tables live
      --catalog    PATH|TABLE  text  %s  the catalog, registered as the view catalog
      --database   NAME        text  -   register the tables and persistent views in this Spark catalog database
      """
          .formatted(DemoPaths.WAREHOUSE, DemoPaths.CATALOG);

  private TableLocations() {}

  static Warehouse warehouse(OptionTable options) {
    return new Warehouse(options.get("--warehouse"));
  }

  /** {@code --database}, checked, or null. */
  static String database(OptionTable options) {
    return com.catalogrender.settings.RunSettings.database(options.get("--database"));
  }

  /**
   * Registers the tables and the views in {@code spark}: temporary views, or with {@code
   * --database} catalog tables and persistent views in that database (its current database).
   */
  static void register(SparkSession spark, OptionTable options) {
    warehouse(options).registerViews(spark, options.get("--catalog"), database(options));
  }

  /** Where a command with {@code --database} keeps its metastore, or null without one. */
  static String metastoreWarehouse(OptionTable options) {
    return database(options) == null ? null : warehouse(options).root();
  }
}
