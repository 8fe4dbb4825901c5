package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import com.catalogrender.cost.Rates;
import com.catalogrender.tables.Warehouse;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a run records itself and how it is shaped.
 *
 * @param warehouse where the renders and runs tables are
 * @param database the Spark catalog database the tables and views are registered in after the run
 *     (null: none; the tables are paths)
 * @param partitions render tasks (0: from the row count and the cluster's parallelism)
 * @param checkpointRows rows per checkpoint: results are committed (idempotently) and the live
 *     images merged after each such wave of rows, so a crashed driver loses at most one wave
 * @param checkpointSeconds at most about this many seconds of rendering per wave, from the run's
 *     estimate (0: rows alone decide)
 * @param contactSheetSize images on the run's contact sheet (0: none)
 * @param dryRun estimate rows, cost and time, render nothing
 * @param ratesFile the rates file the run is costed with (null: the packaged conf/rates.properties)
 * @param rates its rates, loaded and checked when the settings were parsed
 */
public record RunSettings(
    Warehouse warehouse,
    String database,
    int partitions,
    int checkpointRows,
    int checkpointSeconds,
    int contactSheetSize,
    boolean dryRun,
    String ratesFile,
    Rates rates) {
  public static final String WAREHOUSE = "warehouse";
  public static final String DRY_RUN = "dry_run";
  public static final String DATABASE = "database";

  /** A database name as Spark's catalogs accept it unquoted, or null; the error names the value. */
  public static String database(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String name = value.trim();
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "database must be a name of letters, digits and underscores that does not start with a"
              + " digit, e.g. catalog_render; got '"
              + value
              + "'");
    }
    return name;
  }

  /** {@code hadoop} reads a rates file given as a Hadoop URI. */
  public static RunSettings parse(Map<String, String> s, Configuration hadoop) {
    String ratesFile = SettingValues.optional(s, "rates");
    return new RunSettings(
        new Warehouse(SettingValues.required(s, WAREHOUSE)),
        database(s.get(DATABASE)),
        SettingValues.nonNegative(s, "partitions", "0"),
        SettingValues.integer(s, "checkpoint_rows", "5000", 1, Integer.MAX_VALUE),
        SettingValues.nonNegative(s, "checkpoint_seconds", "600"),
        SettingValues.nonNegative(s, "contact_sheet_size", "24"),
        SettingValues.bool(DRY_RUN, s.getOrDefault(DRY_RUN, "false")),
        ratesFile,
        Rates.load(ratesFile, hadoop));
  }
}
