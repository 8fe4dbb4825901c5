package com.catalogrender.tables;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps a warehouse's Delta tables fast and small: compacts each table's small files ({@code
 * OPTIMIZE}; every checkpoint of every run appends a few) and removes files no version within the
 * retention needs ({@code VACUUM}). Vacuum is refused while a run is in progress (its marker in
 * {@link RunsInProgress}), so it never removes files a running or resuming run relies on; Delta
 * itself refuses retentions under 7 days unless its safety check is turned off.
 */
public final class Maintenance {
  private Maintenance() {}

  /** What was done to one table. */
  public record Done(String table, long filesBefore, long filesAfter, boolean vacuumed) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-15s files %d -> %d%s",
          table,
          filesBefore,
          filesAfter,
          vacuumed ? ", vacuumed" : "");
    }
  }

  public static Report run(SparkSession spark, Warehouse warehouse, double retentionHours)
      throws IOException {
    List<String> running =
        new RunsInProgress(warehouse, spark.sparkContext().hadoopConfiguration()).list();
    List<Done> done = new ArrayList<>();
    for (String[] table :
        new String[][] {
          {"renders", warehouse.renders()},
          {"runs", warehouse.runs()},
          {"current_images", warehouse.currentImages()},
          {"audits", warehouse.audits()},
          {"calibration", warehouse.calibration()}
        }) {
      if (!DeltaTable.isDeltaTable(spark, table[1])) {
        continue;
      }
      DeltaTable delta = DeltaTable.forPath(spark, table[1]);
      long before = files(delta);
      delta.optimize().executeCompaction();
      boolean vacuum = running.isEmpty();
      if (vacuum) {
        delta.vacuum(retentionHours);
      }
      done.add(new Done(table[0], before, files(delta), vacuum));
    }
    return new Report(done, running);
  }

  /**
   * @param tables what was done to each table
   * @param runsInProgress runs whose marker kept the vacuum from running
   */
  public record Report(List<Done> tables, List<String> runsInProgress) {
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder();
      tables.forEach(t -> text.append(t).append('\n'));
      if (!runsInProgress.isEmpty()) {
        text.append("vacuum skipped: runs in progress ")
            .append(String.join(", ", runsInProgress))
            .append(" (a run that died leaves its marker until the next render completes)\n");
      }
      return text.toString();
    }
  }

  private static long files(DeltaTable delta) {
    return delta.detail().first().<Long>getAs("numFiles");
  }
}
