-- The cost and quality views over catalog-render's tables, defined once. `sql`, `sql-server`,
-- `cost-report` and the notebooks (through `sql`) create them over the session's tables: as
-- temporary views over the warehouse's paths, or, with --database NAME, as persistent views in
-- that database, where any tool sharing the metastore sees them.
--
-- Each view starts with a line "-- view: NAME over TABLE" (or "over TABLE.COLUMN": created only
-- where the table has that column, e.g. runs written before it was added). ${view} is
-- "TEMPORARY VIEW" or "VIEW"; ${db} is "" or "`NAME`.". Stage names and statuses are the ones of
-- com.catalogrender.measure.Stage and RenderStatus; ViewsTest checks every stage is here.

-- view: cost_per_render over renders
-- Renders, total and mean EUR per (run, category, variant, size, day).
CREATE OR REPLACE ${view} ${db}cost_per_render AS
SELECT run_id, category, variant, concat(width, 'x', height) AS size, to_date(rendered_at) AS day,
       count(*) AS renders, sum(cost_eur) AS cost_eur, avg(cost_eur) AS cost_per_render_eur,
       avg(cost_unet_eur) AS unet_eur, avg(cost_caption_eur) AS caption_eur,
       avg(cost_text_encoder_eur) AS text_encoder_eur, avg(cost_vae_eur) AS vae_eur,
       avg(cost_post_eur + cost_io_eur) AS post_io_eur
FROM ${db}renders
WHERE status = 'ok'
GROUP BY run_id, category, variant, concat(width, 'x', height), to_date(rendered_at);

-- view: stage_breakdown over renders
-- Per run and stage: seconds and EUR, and each stage's share of time and of cost (the seed's table).
CREATE OR REPLACE ${view} ${db}stage_breakdown AS
SELECT run_id, stage, seconds, cost_eur,
       seconds / sum(seconds) OVER (PARTITION BY run_id) AS share_of_time,
       cost_eur / sum(cost_eur) OVER (PARTITION BY run_id) AS share_of_cost
FROM (
  SELECT run_id,
         stack(7,
               'caption', s_caption, c_caption,
               'cache', s_cache, c_cache,
               'text_encoder', s_text_encoder, c_text_encoder,
               'unet', s_unet, c_unet,
               'vae', s_vae, c_vae,
               'post', s_post, c_post,
               'io', s_io, c_io) AS (stage, seconds, cost_eur)
  FROM (
    SELECT run_id,
           sum(seconds_caption) AS s_caption, sum(cost_caption_eur) AS c_caption,
           sum(seconds_cache) AS s_cache, sum(cost_cache_eur) AS c_cache,
           sum(seconds_text_encoder) AS s_text_encoder, sum(cost_text_encoder_eur) AS c_text_encoder,
           sum(seconds_unet) AS s_unet, sum(cost_unet_eur) AS c_unet,
           sum(seconds_vae) AS s_vae, sum(cost_vae_eur) AS c_vae,
           sum(seconds_post) AS s_post, sum(cost_post_eur) AS c_post,
           sum(seconds_io) AS s_io, sum(cost_io_eur) AS c_io
    FROM ${db}renders
    WHERE status = 'ok'
    GROUP BY run_id));

-- view: cache_efficiency over renders
-- Per run: caption sources, the gateway cache hit rate, caption cost and tokens, and the
-- text-embedding cache hit rate.
CREATE OR REPLACE ${view} ${db}cache_efficiency AS
SELECT run_id, count(*) AS renders,
       count_if(caption_source = 'template') AS captions_template,
       count_if(caption_source = 'template_fallback') AS captions_template_fallback,
       count_if(caption_source LIKE 'gateway%') AS captions_gateway,
       count_if(caption_source = 'gateway_cache')
         / nullif(count_if(caption_source LIKE 'gateway%'), 0) AS caption_cache_hit_rate,
       sum(cost_caption_eur) AS caption_cost_eur,
       sum(api_tokens_in + api_tokens_out) AS caption_tokens,
       count_if(embedding_cache_hit) AS embedding_cache_hits,
       count_if(embedding_cache_hit)
         / nullif(count_if(embedding_cache_hit IS NOT NULL), 0) AS embedding_cache_hit_rate,
       sum(cost_text_encoder_eur) AS text_encoder_cost_eur
FROM ${db}renders
WHERE status = 'ok'
GROUP BY run_id;

-- view: failures over renders
-- Per run, failed rows by reason (quoted values masked, so like reasons group).
CREATE OR REPLACE ${view} ${db}failures AS
SELECT run_id, regexp_replace(error, "'[^']*'", "'…'") AS reason, count(*) AS rows,
       min(sku) AS example_sku
FROM ${db}renders
WHERE status = 'failed'
GROUP BY run_id, regexp_replace(error, "'[^']*'", "'…'");

-- view: run_costs over runs.fixed_costs_eur
-- Per run: EUR in total and per ok render, marginal, fixed (by line), wasted and all-in.
CREATE OR REPLACE ${view} ${db}run_costs AS
SELECT run_id, started_at, rows_ok AS renders, marginal_cost_eur, fixed_cost_eur,
       coalesce(wasted_eur, 0) AS wasted_eur,
       marginal_cost_eur + fixed_cost_eur + coalesce(wasted_eur, 0) AS all_in_eur,
       cost_per_render_eur AS marginal_per_render_eur,
       fixed_cost_eur / nullif(rows_ok, 0) AS fixed_per_render_eur,
       coalesce(wasted_eur, 0) / nullif(rows_ok, 0) AS wasted_per_render_eur,
       all_in_cost_per_render_eur AS all_in_per_render_eur,
       fixed_costs_eur['model_load'] AS fixed_model_load_eur,
       fixed_costs_eur['idle'] AS fixed_idle_eur,
       fixed_costs_eur['driver'] AS fixed_driver_eur,
       wasted_seconds, wasted_reasons, spark_task_attempts, spark_failed_attempts,
       reconciliation_device, reconciliation_task
FROM ${db}runs;

-- view: estimate_error over runs.estimated_eur
-- Per run with an estimate: the estimate before the run next to its actual marginal cost.
CREATE OR REPLACE ${view} ${db}estimate_error AS
SELECT run_id, started_at, rows_ok, estimate_sources, estimated_eur,
       marginal_cost_eur AS actual_eur,
       marginal_cost_eur / nullif(estimated_eur, 0) - 1 AS error
FROM ${db}runs
WHERE estimated_eur IS NOT NULL;

-- view: quality_by_variant over audits
-- Per audit and variant: the images' prompt-image similarity, attribute accuracy and closeness to
-- the reference variant (PSNR, SSIM), the figures the quality notebook plots.
CREATE OR REPLACE ${view} ${db}quality_by_variant AS
SELECT audit_id, source, model_id, model_version, variant, first(reference_variant) AS reference_variant,
       count(*) AS images, avg(similarity) AS similarity, stddev(similarity) AS similarity_stddev,
       avg(attribute_accuracy) AS attribute_accuracy,
       avg(CAST(category_correct AS DOUBLE)) AS category_accuracy,
       avg(CAST(colour_correct AS DOUBLE)) AS colour_accuracy,
       avg(CAST(background_correct AS DOUBLE)) AS background_accuracy,
       avg(psnr_vs_reference) AS psnr_vs_reference, avg(ssim_vs_reference) AS ssim_vs_reference,
       max(audited_at) AS audited_at
FROM ${db}audits
GROUP BY audit_id, source, model_id, model_version, variant;

-- view: live_images over current_images
-- The live image of every SKU still in the catalog.
CREATE OR REPLACE ${view} ${db}live_images AS
SELECT * FROM ${db}current_images WHERE removed_at IS NULL;
