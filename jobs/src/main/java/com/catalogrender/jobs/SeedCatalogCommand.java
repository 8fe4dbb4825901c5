package com.catalogrender.jobs;

import com.catalogrender.catalog.DemoCatalog;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code seed-catalog --table PATH --rows N [--seed S]}: writes a demo catalog as a Delta table.
 */
@Command(name = "seed-catalog")
final class SeedCatalogCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    OptionTable o = new OptionTable(spec);
    seed(spark, o.get("--table"), o.<Integer>get("--rows"), o.<Long>get("--seed"));
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

  @Override
  public String options() {
    return """
      --table  PATH|URI  text  out/demo/catalog  where the Delta table is written (overwritten)
      --rows   N         int   30                rows
      --seed   S         long  42                the random seed of the rows
      """;
  }
}
