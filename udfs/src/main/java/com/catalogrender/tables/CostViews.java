package com.catalogrender.tables;

import com.catalogrender.measure.Stage;
import com.catalogrender.results.RenderStatus;
import org.apache.spark.sql.SparkSession;

/**
 * The SQL views over {@code renders} that answer cost questions, registered as temporary views next
 * to the tables:
 *
 * <ul>
 *   <li>{@code cost_per_render}: renders, total and mean EUR per (run, category, variant, size,
 *       day);
 *   <li>{@code stage_breakdown}: per run and stage, seconds and EUR, and each stage's share of time
 *       and of cost (the seed's table);
 *   <li>{@code cache_efficiency}: per run, the caption sources, the gateway cache hit rate, the
 *       caption cost and tokens, and the text-embedding cache hit rate;
 *   <li>{@code failures}: per run, failed rows by reason (quoted values masked, so like reasons
 *       group);
 *   <li>{@code run_costs} (over {@code runs}): per run, EUR in total and per ok render, marginal,
 *       fixed, wasted (failed task attempts) and all-in.
 * </ul>
 */
public final class CostViews {
  private static final String OK = "'" + RenderStatus.OK.label() + "'";
  private static final String FAILED = "'" + RenderStatus.FAILED.label() + "'";

  private CostViews() {}

  /** Registers the views; {@code renders} must already be a table or view of the session. */
  public static void register(SparkSession spark) {
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW cost_per_render AS "
            + "SELECT run_id, category, variant, concat(width, 'x', height) AS size, to_date(rendered_at) AS day, "
            + "count(*) AS renders, sum(cost_eur) AS cost_eur, avg(cost_eur) AS cost_per_render_eur, "
            + "avg(cost_unet_eur) AS unet_eur, avg(cost_caption_eur) AS caption_eur, "
            + "avg(cost_text_encoder_eur) AS text_encoder_eur, avg(cost_vae_eur) AS vae_eur, "
            + "avg(cost_post_eur + cost_io_eur) AS post_io_eur "
            + "FROM renders WHERE status = "
            + OK
            + " "
            + "GROUP BY run_id, category, variant, concat(width, 'x', height), to_date(rendered_at)");
    StringBuilder stack = new StringBuilder("stack(" + Stage.values().length);
    for (Stage stage : Stage.values()) {
      String name = stage.label();
      stack.append(", '").append(name).append("', s_").append(name).append(", c_").append(name);
    }
    stack.append(") AS (stage, seconds, cost_eur)");
    StringBuilder sums = new StringBuilder();
    for (Stage stage : Stage.values()) {
      String name = stage.label();
      sums.append(", sum(")
          .append(RendersTable.secondsColumn(stage))
          .append(") AS s_")
          .append(name);
      sums.append(", sum(").append(RendersTable.costColumn(stage)).append(") AS c_").append(name);
    }
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW stage_breakdown AS "
            + "SELECT run_id, stage, seconds, cost_eur, "
            + "seconds / sum(seconds) OVER (PARTITION BY run_id) AS share_of_time, "
            + "cost_eur / sum(cost_eur) OVER (PARTITION BY run_id) AS share_of_cost "
            + "FROM (SELECT run_id, "
            + stack
            + " FROM (SELECT run_id"
            + sums
            + " FROM renders WHERE status = "
            + OK
            + " GROUP BY run_id))");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW cache_efficiency AS "
            + "SELECT run_id, count(*) AS renders, "
            + "count_if(caption_source = 'template') AS captions_template, "
            + "count_if(caption_source = 'template_fallback') AS captions_template_fallback, "
            + "count_if(caption_source LIKE 'gateway%') AS captions_gateway, "
            + "count_if(caption_source = 'gateway_cache') / nullif(count_if(caption_source LIKE 'gateway%'), 0) "
            + "AS caption_cache_hit_rate, "
            + "sum(cost_caption_eur) AS caption_cost_eur, "
            + "sum(api_tokens_in + api_tokens_out) AS caption_tokens, "
            + "count_if(embedding_cache_hit) AS embedding_cache_hits, "
            + "count_if(embedding_cache_hit) / nullif(count_if(embedding_cache_hit IS NOT NULL), 0) "
            + "AS embedding_cache_hit_rate, "
            + "sum(cost_text_encoder_eur) AS text_encoder_cost_eur "
            + "FROM renders WHERE status = "
            + OK
            + " GROUP BY run_id");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW failures AS "
            + "SELECT run_id, regexp_replace(error, \"'[^']*'\", \"'…'\") AS reason, count(*) AS rows, "
            + "min(sku) AS example_sku "
            + "FROM renders WHERE status = "
            + FAILED
            + " GROUP BY run_id, regexp_replace(error, \"'[^']*'\", \"'…'\")");
  }

  /**
   * Registers {@code run_costs}; {@code runs} must be a table or view of the session with the
   * fixed-line columns (runs written before them get them at their next append, mergeSchema).
   */
  public static void registerRunCosts(SparkSession spark) {
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW run_costs AS "
            + "SELECT run_id, started_at, rows_ok AS renders, marginal_cost_eur, fixed_cost_eur, "
            + "coalesce(wasted_eur, 0) AS wasted_eur, "
            + "marginal_cost_eur + fixed_cost_eur + coalesce(wasted_eur, 0) AS all_in_eur, "
            + "cost_per_render_eur AS marginal_per_render_eur, "
            + "fixed_cost_eur / nullif(rows_ok, 0) AS fixed_per_render_eur, "
            + "coalesce(wasted_eur, 0) / nullif(rows_ok, 0) AS wasted_per_render_eur, "
            + "all_in_cost_per_render_eur AS all_in_per_render_eur, "
            + "fixed_costs_eur['model_load'] AS fixed_model_load_eur, "
            + "fixed_costs_eur['idle'] AS fixed_idle_eur, "
            + "fixed_costs_eur['driver'] AS fixed_driver_eur, "
            + "wasted_seconds, wasted_reasons, spark_task_attempts, spark_failed_attempts, "
            + "reconciliation_device, reconciliation_task "
            + "FROM runs");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW estimate_error AS "
            + "SELECT run_id, started_at, rows_ok, estimate_sources, estimated_eur, "
            + "marginal_cost_eur AS actual_eur, "
            + "marginal_cost_eur / nullif(estimated_eur, 0) - 1 AS error "
            + "FROM runs WHERE estimated_eur IS NOT NULL");
  }
}
