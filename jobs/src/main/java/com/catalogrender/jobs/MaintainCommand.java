package com.catalogrender.jobs;

import com.catalogrender.tables.Maintenance;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code maintain [--warehouse DIR] [--retention-hours H]}: compacts the warehouse's tables and
 * vacuums files older than the retention, unless a run is in progress.
 */
@Command(
    name = "maintain",
    description = {
      "Compact the warehouse's Delta tables (OPTIMIZE) and remove files no version within the"
          + " retention needs (VACUUM); vacuum is skipped while a run is in progress."
    })
final class MaintainCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    OptionTable o = new OptionTable(spec);
    double hours = o.<Double>get("--retention-hours");
    if (hours < 0) {
      throw new IllegalArgumentException("maintain: --retention-hours must be >= 0, got " + hours);
    }
    spark.sparkContext().setJobGroup("catalog-render maintain", "catalog-render: maintain", false);
    System.out.print(Maintenance.run(spark, TableLocations.warehouse(o), hours));
    return ExitCodes.SUCCESS;
  }

  @Override
  public String options() {
    return TableLocations.OPTIONS
        + """
          --retention-hours  H  double  168  keep files any version of the last H hours needs (Delta refuses under 168 unless spark.databricks.delta.retentionDurationCheck.enabled=false)
          """;
  }
}
