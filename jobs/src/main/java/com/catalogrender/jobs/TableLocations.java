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
      """
          .formatted(DemoPaths.WAREHOUSE, DemoPaths.CATALOG);

  private TableLocations() {}

  static Warehouse warehouse(OptionTable options) {
    return new Warehouse(options.get("--warehouse"));
  }

  /** Registers the tables and the cost views in {@code spark}. */
  static void register(SparkSession spark, OptionTable options) {
    warehouse(options).registerViews(spark, options.get("--catalog"));
  }
}
