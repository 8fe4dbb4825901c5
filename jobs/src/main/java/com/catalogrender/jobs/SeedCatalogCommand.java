package com.catalogrender.jobs;

import com.catalogrender.catalog.DemoCatalog;
import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code seed-catalog --table PATH --rows N [--seed S]}: writes a demo catalog as a Delta table.
 */
final class SeedCatalogCommand {
  int run(String[] argv, SparkSession spark) throws IOException {
    CommandArguments args =
        CommandArguments.parse("seed-catalog", argv, List.of("table", "rows", "seed"), List.of());
    String table = args.optional("table", DemoPaths.CATALOG);
    int rows = args.integer("rows", 30);
    long seed = args.longValue("seed", 42);
    spark
        .sparkContext()
        .setJobGroup("catalog-render seed-catalog", "catalog-render: seed demo catalog", false);
    List<Row> data =
        DemoCatalog.generate(
            rows, seed, table + "_cutouts", spark.sparkContext().hadoopConfiguration());
    spark
        .createDataFrame(data, DemoCatalog.SCHEMA)
        .coalesce(1)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(table);
    System.out.printf("wrote a demo catalog of %d rows to %s (Delta)%n", rows, table);
    return 0;
  }
}
