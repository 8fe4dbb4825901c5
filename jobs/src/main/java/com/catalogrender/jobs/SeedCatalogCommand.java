package com.catalogrender.jobs;

import com.catalogrender.catalog.DemoCatalog;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * {@code seed-catalog --table PATH --rows N [--seed S]}: writes a demo catalog as a Delta table.
 */
@Command(
    name = "seed-catalog",
    mixinStandardHelpOptions = true,
    description = "Write a demo catalog (prompts and cut-outs) as a Delta table.")
final class SeedCatalogCommand implements SparkJob {
  @Option(
      names = "--table",
      paramLabel = "PATH|URI",
      defaultValue = DemoPaths.CATALOG,
      showDefaultValue = Visibility.ALWAYS,
      description = "where the Delta table is written (overwritten)")
  String table;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "30",
      showDefaultValue = Visibility.ALWAYS,
      description = "rows")
  int rows;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      showDefaultValue = Visibility.ALWAYS,
      description = "the random seed of the rows")
  long seed;

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    seed(spark, table, rows, seed);
    return ExitCodes.SUCCESS;
  }

  static void seed(SparkSession spark, String table, int rows, long seed)
      throws java.io.IOException {
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
  }
}
