package com.catalogrender.catalog;

import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Opens the catalog, a Delta table by path or by name, and checks its schema. */
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
      table = spark.read().format("delta").load(catalog);
    } else {
      try {
        table = DeltaTable.forName(spark, catalog).toDF();
      } catch (RuntimeException e) {
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
