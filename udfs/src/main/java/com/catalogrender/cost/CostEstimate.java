package com.catalogrender.cost;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What rows will cost before they render, from history: the mean cost and seconds of past ok
 * renders with the same category, variant and size; failing that the same variant and size; then
 * the same variant; then a stated default.
 *
 * @param rows rows estimated
 * @param totalEur estimated EUR for all of them
 * @param totalSeconds estimated task-seconds for all of them
 * @param rowsWithoutHistory rows estimated with the default
 */
public record CostEstimate(
    long rows, double totalEur, double totalSeconds, long rowsWithoutHistory) {
  /** The seed's optimised cost per render ($0.0008), used when nothing similar has rendered yet. */
  public static final double DEFAULT_EUR_PER_RENDER = 0.00074;

  public static final double DEFAULT_SECONDS_PER_RENDER = 1.0;

  public double eurPerRender() {
    return rows > 0 ? totalEur / rows : DEFAULT_EUR_PER_RENDER;
  }

  /**
   * @param todo planned rows with category, planned_variant, width, height
   * @param history the renders table, or null when there is none
   */
  public static CostEstimate of(Dataset<Row> todo, Dataset<Row> history) {
    Dataset<Row> rows =
        todo.select(
            col("category"), col("planned_variant").as("variant"), col("width"), col("height"));
    if (history == null) {
      long n = rows.count();
      return new CostEstimate(n, n * DEFAULT_EUR_PER_RENDER, n * DEFAULT_SECONDS_PER_RENDER, n);
    }
    Column seconds =
        col("seconds_caption")
            .plus(col("seconds_text_encoder"))
            .plus(col("seconds_unet"))
            .plus(col("seconds_vae"))
            .plus(col("seconds_post"))
            .plus(col("seconds_io"));
    Dataset<Row> ok =
        history.where(col("status").equalTo("ok")).withColumn("seconds_total", seconds);
    Dataset<Row> exact = means(ok, "e", "category", "variant", "width", "height");
    Dataset<Row> size = means(ok, "s", "variant", "width", "height");
    Dataset<Row> variant = means(ok, "v", "variant");
    Dataset<Row> joined =
        rows.join(exact, new String[] {"category", "variant", "width", "height"}, "left")
            .join(size, new String[] {"variant", "width", "height"}, "left")
            .join(variant, new String[] {"variant"}, "left");
    Column eur = coalesce(col("e_eur"), col("s_eur"), col("v_eur"), lit(DEFAULT_EUR_PER_RENDER));
    Column secs =
        coalesce(
            col("e_seconds"), col("s_seconds"), col("v_seconds"), lit(DEFAULT_SECONDS_PER_RENDER));
    Row totals =
        joined
            .agg(
                count(lit(1)),
                sum(eur),
                sum(secs),
                sum(
                    when(
                            col("e_eur")
                                .isNull()
                                .and(col("s_eur").isNull())
                                .and(col("v_eur").isNull()),
                            1)
                        .otherwise(0)))
            .first();
    long n = totals.getLong(0);
    return new CostEstimate(
        n,
        n == 0 ? 0 : totals.getDouble(1),
        n == 0 ? 0 : totals.getDouble(2),
        n == 0 ? 0 : totals.getLong(3));
  }

  private static Dataset<Row> means(Dataset<Row> ok, String prefix, String... keys) {
    Column[] groups = new Column[keys.length];
    for (int i = 0; i < keys.length; i++) {
      groups[i] = col(keys[i]);
    }
    return ok.groupBy(groups)
        .agg(
            avg(col("cost_eur")).as(prefix + "_eur"),
            avg(col("seconds_total")).as(prefix + "_seconds"));
  }
}
