package com.catalogrender.catalog;

import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Opens the catalog, a Delta table by path or by name, at its latest version (pinned: every read of
 * the opened catalog sees that version, however often a run reads it and whatever is written to the
 * table meanwhile), and checks its schema.
 */
public final class CatalogSource {
  private CatalogSource() {}

  public static Dataset<Row> open(SparkSession spark, String catalog) {
    Dataset<Row> table;
    if (catalog.contains("/") || catalog.contains(":")) {
      if (!exists(spark, catalog)) {
        throw new IllegalArgumentException(
            "Catalog path '"
                + catalog
                + "' does not exist. Create one with ./submit.sh seed-catalog --table "
                + catalog);
      }
      if (!DeltaTable.isDeltaTable(spark, catalog)) {
        throw new IllegalArgumentException(
            "Catalog '"
                + catalog
                + "' is not a Delta table (no _delta_log). Convert it with"
                + " ./submit.sh sql \"CONVERT TO DELTA parquet.`"
                + catalog
                + "`\" or write it as Delta.");
      }
      table =
          spark
              .read()
              .format("delta")
              .option("versionAsOf", latestVersion(DeltaLog.forTable(spark, catalog)))
              .load(catalog);
    } else {
      try {
        DeltaTable.forName(spark, catalog); // says clearly when it is not a Delta table
        long version =
            latestVersion(
                DeltaLog.forTable(
                    spark, spark.sessionState().sqlParser().parseTableIdentifier(catalog)));
        table = spark.sql("SELECT * FROM " + catalog + " VERSION AS OF " + version);
      } catch (RuntimeException | org.apache.spark.sql.catalyst.parser.ParseException e) {
        throw new IllegalArgumentException(
            "Catalog table '"
                + catalog
                + "' is not a Delta table in the session catalog: "
                + e.getMessage(),
            e);
      }
    }
    CatalogSchema.validate(catalog, table.schema());
    return table;
  }

  /**
   * The table's latest version, from its log (the table's history, a query of its own, took 0.3 s
   * of the driver's time before anything rendered).
   */
  private static long latestVersion(DeltaLog log) {
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3())
        .version();
  }

  private static boolean exists(SparkSession spark, String location) {
    try {
      Path path = new Path(location);
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "Cannot read catalog location '" + location + "': " + e.getMessage(), e);
    }
  }
}
