package com.catalogrender.bench;

import static com.catalogrender.bench.BenchRuns.round;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.quality.AuditSummary;
import com.catalogrender.quality.ClipScorer;
import com.catalogrender.results.RunSummary;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark's experiments, one method each; every ratio is taken side by side in one process,
 * and each method writes its figures into the report object. Nothing here asserts a target.
 */
public final class BenchExperiments {
  private final BenchRuns runs;
  private final Consumer<String> progress;
  private final int slots;
  private double bareRate;

  public BenchExperiments(BenchRuns runs, Consumer<String> progress) {
    this.runs = runs;
    this.progress = progress;
    this.slots = runs.spark().sparkContext().defaultParallelism();
  }

  /**
   * The full job against a bare loop: same model, variant, batch, steps and task slots. The job's
   * render phase is the time its render tasks ran (each wave's render stage, first task launch to
   * last task end); the driver's phases around it (plan, captions, commits) are the fixed seconds
   * measured by {@link #wallEfficiency}.
   */
  public void jobEfficiency(ObjectNode out, int rows, int steps) throws Exception {
    progress.accept(
        "job efficiency: " + rows + " rows, " + steps + " steps, " + slots + " task slots");
    String catalog = runs.catalog("efficiency");
    BenchCatalog.write(runs.spark(), catalog, rows, Math.min(rows, 240), 64);
    // steady state on both sides: a first pass warms the JIT, Spark's code generation and
    // PyTorch's per-thread state on the task threads; what the first run in a fresh JVM pays on
    // top is reported on its own
    int warmRows = 8 * 2 * slots;
    BareLoop.rendersPerSecond(runs.model(), Variant.INT8, warmRows, warmRows, 8, steps, 4.0, slots);
    String warmCatalog = runs.catalog("efficiency-warm-up");
    BenchCatalog.write(runs.spark(), warmCatalog, warmRows, warmRows, 64);
    RunSummary warmUp = runs.render("efficiency-warm-up", warmCatalog, steps, Map.of());
    bareRate =
        BareLoop.rendersPerSecond(
            runs.model(), Variant.INT8, rows, Math.min(rows, 240), 8, steps, 4.0, slots);
    RunSummary job = runs.render("efficiency", catalog, steps, Map.of());
    double jobRate = job.rowsOk() / job.work().renderStageSeconds();
    ObjectNode efficiency = out.putObject("job_efficiency_detail");
    efficiency.put("bare_loop_renders_per_second", round(bareRate));
    efficiency.put("job_renders_per_second", round(jobRate));
    efficiency.put("job_wall_seconds", round(job.work().wallSeconds()));
    efficiency.put("first_run_in_jvm_rows", warmRows);
    efficiency.put("first_run_in_jvm_wall_seconds", round(warmUp.work().wallSeconds()));
    efficiency.put("job_render_stage_seconds", round(job.work().renderStageSeconds()));
    efficiency.put("job_caption_seconds", round(job.work().captionSeconds()));
    efficiency.put("job_commit_seconds", round(job.work().commitSeconds()));
    efficiency.put("job_driver_seconds_outside_render_stages", round(job.work().driverSeconds()));
    efficiency.put(
        "job_efficiency_incl_captions_and_commits",
        round(job.rowsOk() / job.work().renderSeconds() / bareRate));
    efficiency.set("job_seconds_per_render_by_stage", runs.stageSeconds("efficiency", job.runId()));
    efficiency.put("device_busy_share", round(job.cluster().deviceBusyShare()));
    out.put("job_efficiency", round(jobRate / bareRate));
    out.put(
        "model_loads_per_executor",
        round((double) job.work().modelLoads() / Math.max(1, job.work().executors())));
  }

  /**
   * The whole run's wall time at two catalog sizes: the fixed seconds per run are the intercept of
   * wall time over rows (so they do not depend on one size), and {@code job_efficiency_wall} is the
   * larger run's renders per wall second over the bare loop's (measured by {@link #jobEfficiency}).
   */
  public void wallEfficiency(ObjectNode out, int steps, int smaller, int larger)
      throws IOException {
    double[] wall = new double[2];
    double largerRenderStage = 0;
    int[] sizes = {smaller, larger};
    ObjectNode detail = out.putObject("fixed_seconds_detail");
    for (int i = 0; i < 2; i++) {
      progress.accept("wall time: " + sizes[i] + " rows, " + steps + " steps");
      String catalog = runs.catalog("wall-" + sizes[i]);
      BenchCatalog.write(runs.spark(), catalog, sizes[i], Math.min(sizes[i], 240), 64);
      RunSummary run = runs.render("wall-" + sizes[i], catalog, steps, Map.of());
      wall[i] = run.work().wallSeconds();
      largerRenderStage = run.work().renderStageSeconds();
      ObjectNode size = detail.putObject(Integer.toString(sizes[i]));
      size.put("wall_seconds", round(wall[i]));
      size.put("render_stage_seconds", round(run.work().renderStageSeconds()));
      size.put("caption_seconds", round(run.work().captionSeconds()));
      size.put("commit_seconds", round(run.work().commitSeconds()));
      size.put("driver_seconds_outside_render_stages", round(run.work().driverSeconds()));
      size.put("model_load_seconds", round(run.costs().modelLoadSeconds()));
    }
    double perRow = (wall[1] - wall[0]) / (larger - smaller);
    out.put("fixed_seconds_per_run", round(wall[0] - perRow * smaller));
    detail.put("wall_seconds_per_row", round(perRow));
    if (bareRate > 0) {
      out.put("job_efficiency_wall", round(larger / wall[1] / bareRate));
      out.put("job_efficiency_wall_rows", larger);
      out.put(
          "job_efficiency_render_stages_at_wall_rows",
          round(larger / largerRenderStage / bareRate));
    }
  }

  /**
   * The naive profile against the optimized one, same catalog and rates. The optimized profile's
   * sampler steps are chosen by an audit in this run: the model's held-out prompts x seeds rendered
   * by the naive profile (fp32, {@code steps}) and by int8 at fewer and fewer steps, scored by the
   * model's scorer; the fewest steps whose mean similarity drop stays within {@code maxDrop} win
   * (the search stops at the first candidate that fails). A model without held-out prompts keeps
   * {@code steps}.
   */
  public void costProfiles(
      ObjectNode out, int rows, int steps, Map<String, String> redis, double maxDrop)
      throws IOException {
    ObjectNode audit = out.putObject("optimized_profile_audit");
    int chosen = auditedSteps(audit, steps, maxDrop);
    progress.accept(
        "cost: naive (fp32, "
            + steps
            + " steps) vs optimized (int8, "
            + chosen
            + " steps) profile, "
            + rows
            + " rows at 256x256");
    String catalog = runs.catalog("cost");
    BenchCatalog.write(runs.spark(), catalog, rows, Math.max(1, rows / 4), 256);
    Map<String, String> naive =
        Map.of(
            "cpu_variant", "fp32",
            "caption_dedupe", "false",
            "embedding_cache", "off",
            "post_queue_batches", "0",
            "gateway.cache", "false");
    RunSummary naiveRun = runs.render("naive", catalog, steps, naive);
    RunSummary optimizedRun = runs.render("optimized", catalog, chosen, new HashMap<>(redis));
    out.put(
        "cost_ratio_naive_vs_optimized",
        round(naiveRun.costPerRenderEur() / optimizedRun.costPerRenderEur()));
    ObjectNode profile = out.putObject("optimized_profile");
    profile.put("variant", Variant.INT8.label());
    profile.put("steps", chosen);
    profile.put("naive_steps", steps);
    profile.put("embedding_cache", optimizedRun.embeddings().cache());
    profile.put("caption_dedupe", true);
    ObjectNode cost = out.putObject("cost_per_render_eur_by_stage");
    cost.set("naive", runs.stageCost("naive", naiveRun.runId()));
    cost.set("optimized", runs.stageCost("optimized", optimizedRun.runId()));
  }

  private int auditedSteps(ObjectNode audit, int steps, double maxDrop) {
    ModelDirectory directory = ModelDirectory.open(runs.model());
    audit.put("max_similarity_drop", maxDrop);
    if (!ProfileQuality.available(directory)) {
      audit.put("skipped", "the model has no held-out prompts and scorer");
      return steps;
    }
    double guidance = directory.manifest().defaultGuidance();
    progress.accept(
        "audit: held-out prompts x "
            + ProfileQuality.SEEDS
            + " seeds, fp32 at "
            + steps
            + " steps vs int8 at fewer steps");
    int chosen = steps;
    try (DiffusionModel fp32 = DiffusionModel.load(directory, Variant.FP32, ComputeDevice.CPU);
        DiffusionModel int8 = DiffusionModel.load(directory, Variant.INT8, ComputeDevice.CPU);
        ClipScorer scorer = ClipScorer.load(directory)) {
      double[] reference =
          ProfileQuality.similarities(
              directory, fp32, scorer, new SamplingOptions(steps, guidance));
      audit.put("naive_similarity", round(mean(reference)));
      audit.put("images", reference.length);
      ArrayNode candidates = audit.putArray("candidates");
      for (int candidate : candidateSteps(steps)) {
        double[] scored =
            ProfileQuality.similarities(
                directory, int8, scorer, new SamplingOptions(candidate, guidance));
        AuditSummary.Interval drop = ProfileQuality.drop(reference, scored);
        boolean passes = drop.mean() <= maxDrop;
        candidates
            .addObject()
            .put("steps", candidate)
            .put("similarity", round(mean(scored)))
            .put("drop", round(drop.mean()))
            .put("drop_low", round(drop.low()))
            .put("drop_high", round(drop.high()))
            .put("passes", passes);
        if (!passes) {
          break;
        }
        chosen = candidate;
        audit.put("similarity_drop", round(drop.mean()));
        audit.put("similarity_drop_low", round(drop.low()));
        audit.put("similarity_drop_high", round(drop.high()));
      }
    }
    audit.put("chosen_steps", chosen);
    return chosen;
  }

  /** {@code steps}, then fewer: 20, 16, 12, 10, 9, 8, 6 (those below {@code steps}). */
  private static int[] candidateSteps(int steps) {
    return java.util.stream.IntStream.concat(
            java.util.stream.IntStream.of(steps),
            java.util.stream.IntStream.of(20, 16, 12, 10, 9, 8, 6).filter(s -> s < steps))
        .toArray();
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }

  /**
   * The embedding cache as a user meets it: a catalog whose caption stems repeat the way product
   * catalogs do (Zipf over {@code stems} stems: a few stems carry many SKUs, a long tail one each)
   * rendered cold, so its hits are reuse within the run; then a next catalog of new SKUs on the
   * first catalog's stems (its product lines listed again: stems drawn from the first catalog's
   * rows) with {@code newStemShare} of its rows on stems never seen (new products). A second next
   * catalog draws its stems from the Zipf distribution afresh instead, so its tail holds stems the
   * first catalog never had: how much the hit rate depends on the overlap.
   */
  public void embeddingCache(
      ObjectNode out, int rows, int stems, double newStemShare, Map<String, String> redis)
      throws IOException {
    progress.accept(
        "embedding cache: "
            + rows
            + " rows over "
            + stems
            + " Zipf-distributed caption stems, cold; then two catalogs of "
            + rows
            + " new SKUs ("
            + Math.round(newStemShare * 100)
            + "% on new stems); 2 steps: the cache is measured here, not the UNet");
    int[] first = BenchCatalog.zipfStems(rows, stems, 1.1, 11);
    java.util.SplittableRandom random = new java.util.SplittableRandom(13);
    int[] fresh = BenchCatalog.zipfStems(rows, stems, 1.1, 12);
    int[] relisted = new int[rows];
    for (int i = 0; i < rows; i++) {
      relisted[i] = first[random.nextInt(rows)];
    }
    // new products: stems beyond every catalog's range, different in each catalog
    int next = stems;
    int newRows = 0;
    for (int[] catalog : new int[][] {fresh, relisted}) {
      for (int i = 0; i < rows; i++) {
        if (random.nextDouble() < newStemShare) {
          catalog[i] = next++;
          newRows += catalog == relisted ? 1 : 0;
        }
      }
    }
    Map<String, String> settings = new HashMap<>(redis);
    settings.put("contact_sheet_size", "0");
    RunSummary cold = renderStems("cache-first", "FIRST", first, 7000L, settings);
    RunSummary drawn = renderStems("cache-fresh", "FRESH", fresh, 50_000L, settings);
    RunSummary again = renderStems("cache-next", "NEXT", relisted, 90_000L, settings);
    out.put("embedding_cache_hit_rate_cold", rate(cold));
    out.put("embedding_cache_hit_rate_next_catalog", rate(again));
    ObjectNode detail = out.putObject("embedding_cache_detail");
    detail.put("cache", again.embeddings().cache());
    detail.put("rows", rows);
    detail.put("stems", stems);
    detail.put("distinct_stems_first_catalog", java.util.Arrays.stream(first).distinct().count());
    detail.put("next_catalog_rows_on_new_stems", newRows);
    detail.put("hit_rate_next_catalog_stems_drawn_afresh", rate(drawn));
    detail.put(
        "round_trip_seconds_per_batch_cold", runs.cacheSecondsPerBatch("cache", cold.runId()));
    detail.put(
        "round_trip_seconds_per_batch_next_catalog",
        runs.cacheSecondsPerBatch("cache", again.runId()));
  }

  /** Renders a catalog of the given stems in the cache profile's warehouse (2 steps). */
  private RunSummary renderStems(
      String name, String prefix, int[] stems, long firstSeed, Map<String, String> settings)
      throws IOException {
    String catalog = runs.catalog(name);
    BenchCatalog.write(runs.spark(), catalog, prefix, stems, 64, firstSeed);
    return runs.render("cache", catalog, 2, settings);
  }

  private static double rate(RunSummary run) {
    Double hitRate = run.embeddings().hitRate();
    return hitRate == null ? 0 : round(hitRate);
  }

  /** Wall time and cost per render at three catalog sizes, and 1 vs 2 tasks on one catalog. */
  public void scale(ObjectNode out, int steps) throws IOException {
    ObjectNode scale = out.putObject("scale");
    for (int rows : new int[] {200, 800, 3200}) {
      progress.accept("scale: " + rows + " rows");
      String catalog = runs.catalog("scale-" + rows);
      BenchCatalog.write(runs.spark(), catalog, rows, Math.min(rows, 240), 64);
      RunSummary run = runs.render("scale-" + rows, catalog, steps, Map.of());
      ObjectNode size = scale.putObject(Integer.toString(rows));
      size.put("wall_seconds", round(run.work().wallSeconds()));
      size.put("eur_per_render_marginal", run.costPerRenderEur());
      size.put(
          "eur_per_render_with_fixed",
          (run.costs().marginalEur() + run.costs().fixedEur()) / run.rowsOk());
    }
    for (int tasks : new int[] {1, 2}) {
      progress.accept("scale: 800 rows in " + tasks + " task(s)");
      RunSummary run =
          runs.render(
              "slots-" + tasks,
              runs.catalog("scale-800"),
              steps,
              Map.of("partitions", Integer.toString(tasks)));
      scale.put(
          "renders_per_second_" + tasks + "_tasks",
          round(run.rowsOk() / run.work().renderSeconds()));
    }
    scale.put(
        "speedup_2_tasks_vs_1",
        round(
            scale.get("renders_per_second_2_tasks").asDouble()
                / scale.get("renders_per_second_1_tasks").asDouble()));
  }
}
