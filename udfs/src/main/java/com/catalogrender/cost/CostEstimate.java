package com.catalogrender.cost;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What rows will cost before they render: from this model's history, the mean marginal cost and
 * executor seconds of past ok renders with the same category, variant and size, else the same
 * variant and size; failing that from calibration ({@code calibrate}: the same model, variant,
 * device class and size bucket); else no estimate, and the run that needs one (a dry run, a budget)
 * stops and says to calibrate. Never a number from elsewhere.
 *
 * @param target the model and device class estimated for
 * @param rows rows estimated
 * @param totalEur estimated marginal EUR of the rows that have an estimate
 * @param totalSeconds estimated executor seconds of those rows
 * @param fromHistory rows estimated from this model's renders
 * @param fromCalibration rows estimated from the calibration table
 * @param withoutEstimate rows with neither
 */
public record CostEstimate(
    Target target,
    long rows,
    double totalEur,
    double totalSeconds,
    long fromHistory,
    long fromCalibration,
    long withoutEstimate) {

  /** What the estimate is for: the model, and the device class its rows will run on. */
  public record Target(String modelId, String modelVersion, String deviceClass) {}

  /** Mean estimated EUR per row with an estimate (0 when none). */
  public double eurPerRender() {
    long estimated = rows - withoutEstimate;
    return estimated > 0 ? totalEur / estimated : 0;
  }

  public boolean complete() {
    return withoutEstimate == 0;
  }

  /** Where the rows' estimates came from, for the console and the runs table. */
  public String sources() {
    return String.format(
        Locale.ROOT,
        "history %d, calibration %d, none %d",
        fromHistory,
        fromCalibration,
        withoutEstimate);
  }

  /**
   * Fails unless every row has an estimate; {@code purpose} says what needed it ("a dry run", "the
   * budget").
   */
  public void requireComplete(String purpose) {
    if (!complete()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s needs a cost estimate, and %d of %d rows have none: no ok render of model %s %s"
                  + " at their variant and size, and no calibration for device class %s at their"
                  + " size bucket. Run `./submit.sh calibrate` with the same model and settings"
                  + " first (it renders a few batches per size bucket and records seconds and EUR"
                  + " per render in the warehouse's calibration table).",
              purpose,
              withoutEstimate,
              rows,
              target.modelId(),
              target.modelVersion(),
              target.deviceClass()));
    }
  }

  /**
   * @param todo planned rows with category, planned_variant, width, height
   * @param history the renders table with an {@code executor_seconds} column, or null when there is
   *     none
   * @param calibration the calibration table, or null when there is none
   */
  public static CostEstimate of(
      Dataset<Row> todo, Dataset<Row> history, Dataset<Row> calibration, Target target) {
    return ofGroups(groups(todo), history, calibration, target);
  }

  /**
   * {@code todo}'s rows counted per (category, variant, width, height), in {@code rows_of_group}:
   * what {@link #ofGroups} estimates; the history and calibration joins then meet a few groups, not
   * every row (10^6 rows: 8.2 s of the driver's time before any render).
   */
  public static Dataset<Row> groups(Dataset<Row> todo) {
    return todo.groupBy(
            col("category"), col("planned_variant").as("variant"), col("width"), col("height"))
        .agg(count(lit(1)).as("rows_of_group"));
  }

  /**
   * @param groups rows counted per group ({@link #groups}: category, variant, width, height,
   *     rows_of_group)
   * @param history the renders table with an {@code executor_seconds} column, or null when there is
   *     none
   * @param calibration the calibration table, or null when there is none
   */
  public static CostEstimate ofGroups(
      Dataset<Row> groups, Dataset<Row> history, Dataset<Row> calibration, Target target) {
    Dataset<Row> rows =
        groups.withColumn("size_bucket", SizeBucket.column(col("width"), col("height")));
    Dataset<Row> joined = rows;
    Column historyEur = lit(null).cast("double");
    Column historySeconds = lit(null).cast("double");
    if (history != null) {
      Dataset<Row> ok =
          history
              .where(col("status").equalTo("ok"))
              .where(col("model_id").equalTo(target.modelId()))
              .where(col("model_version").equalTo(target.modelVersion()))
              .withColumn("marginal_eur", col("cost_eur"));
      joined =
          joined
              .join(
                  means(ok, "e", "category", "variant", "width", "height"),
                  new String[] {"category", "variant", "width", "height"},
                  "left")
              .join(
                  means(ok, "s", "variant", "width", "height"),
                  new String[] {"variant", "width", "height"},
                  "left");
      historyEur = coalesce(col("e_eur"), col("s_eur"));
      historySeconds = coalesce(col("e_seconds"), col("s_seconds"));
    }
    Column calibrationEur = lit(null).cast("double");
    Column calibrationSeconds = lit(null).cast("double");
    if (calibration != null) {
      Dataset<Row> mine =
          calibration
              .where(col("model_id").equalTo(target.modelId()))
              .where(col("model_version").equalTo(target.modelVersion()))
              .where(col("device_class").equalTo(target.deviceClass()));
      Dataset<Row> latest =
          mine.groupBy(col("variant"), col("size_bucket"))
              .agg(max(col("calibrated_at")).as("calibrated_at"))
              .join(mine, new String[] {"variant", "size_bucket", "calibrated_at"})
              .select(
                  col("variant"),
                  col("size_bucket"),
                  col("eur_per_render").as("c_eur"),
                  col("seconds_per_render").as("c_seconds"));
      joined = joined.join(latest, new String[] {"variant", "size_bucket"}, "left");
      calibrationEur = col("c_eur");
      calibrationSeconds = col("c_seconds");
    }
    Column eur = coalesce(historyEur, calibrationEur);
    Column n = col("rows_of_group");
    Row totals =
        joined
            .agg(
                coalesce(sum(n), lit(0L)),
                sum(eur.multiply(n)),
                sum(coalesce(historySeconds, calibrationSeconds).multiply(n)),
                sum(when(historyEur.isNotNull(), n).otherwise(0)),
                sum(when(historyEur.isNull().and(calibrationEur.isNotNull()), n).otherwise(0)))
            .first();
    long rowCount = totals.getLong(0);
    if (rowCount == 0) {
      return new CostEstimate(target, 0, 0, 0, 0, 0, 0);
    }
    long fromHistory = totals.getLong(3);
    long fromCalibration = totals.getLong(4);
    return new CostEstimate(
        target,
        rowCount,
        totals.isNullAt(1) ? 0 : totals.getDouble(1),
        totals.isNullAt(2) ? 0 : totals.getDouble(2),
        fromHistory,
        fromCalibration,
        rowCount - fromHistory - fromCalibration);
  }

  private static Dataset<Row> means(Dataset<Row> ok, String prefix, String... keys) {
    Column[] groups = new Column[keys.length];
    for (int i = 0; i < keys.length; i++) {
      groups[i] = col(keys[i]);
    }
    return ok.groupBy(groups)
        .agg(
            avg(col("marginal_eur")).as(prefix + "_eur"),
            avg(col("executor_seconds")).as(prefix + "_seconds"));
  }
}
