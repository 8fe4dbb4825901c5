package com.catalogrender.jobs;

import com.catalogrender.tables.Warehouse;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** {@code --warehouse} and {@code --catalog} of the commands that query the tables. */
final class TableLocations {
  @Option(
      names = "--warehouse",
      paramLabel = "DIR|URI",
      defaultValue = DemoPaths.WAREHOUSE,
      showDefaultValue = Visibility.ALWAYS,
      description = "where the renders, runs and audits tables live")
  String warehouse;

  @Option(
      names = "--catalog",
      paramLabel = "PATH|TABLE",
      defaultValue = DemoPaths.CATALOG,
      showDefaultValue = Visibility.ALWAYS,
      description = "the catalog, registered as the view catalog")
  String catalog;

  Warehouse warehouse() {
    return new Warehouse(warehouse);
  }

  /** Registers the tables and the cost views in {@code spark}. */
  void register(SparkSession spark) {
    warehouse().registerViews(spark, catalog);
  }
}
