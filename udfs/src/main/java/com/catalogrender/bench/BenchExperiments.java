package com.catalogrender.bench;

import static com.catalogrender.bench.BenchRuns.round;

import com.catalogrender.diffusion.Variant;
import com.catalogrender.results.RunSummary;
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

  public BenchExperiments(BenchRuns runs, Consumer<String> progress) {
    this.runs = runs;
    this.progress = progress;
    this.slots = runs.spark().sparkContext().defaultParallelism();
  }

  /** The full job against a bare loop: same model, variant, batch, steps and task slots. */
  public void jobEfficiency(ObjectNode out, int rows, int steps) throws Exception {
    progress.accept(
        "job efficiency: " + rows + " rows, " + steps + " steps, " + slots + " task slots");
    String catalog = runs.catalog("efficiency");
    BenchCatalog.write(runs.spark(), catalog, rows, Math.min(rows, 240), 64);
    double bare =
        BareLoop.rendersPerSecond(
            runs.model(), Variant.INT8, rows, Math.min(rows, 240), 8, steps, 4.0, slots);
    RunSummary job = runs.render("efficiency", catalog, steps, Map.of());
    double jobRate = job.rowsOk() / job.work().renderSeconds();
    ObjectNode efficiency = out.putObject("job_efficiency_detail");
    efficiency.put("bare_loop_renders_per_second", round(bare));
    efficiency.put("job_renders_per_second", round(jobRate));
    efficiency.put("job_wall_seconds", round(job.work().wallSeconds()));
    efficiency.put("job_render_phase_seconds", round(job.work().renderSeconds()));
    efficiency.set("job_seconds_per_render_by_stage", runs.stageSeconds("efficiency", job.runId()));
    efficiency.put("device_busy_share", round(job.cluster().deviceBusyShare()));
    out.put("job_efficiency", round(jobRate / bare));
    out.put(
        "model_loads_per_executor",
        round((double) job.work().modelLoads() / Math.max(1, job.work().executors())));
  }

  /** The naive profile against the optimized one, same catalog and rates. */
  public void costProfiles(ObjectNode out, int rows, int steps, Map<String, String> redis)
      throws IOException {
    progress.accept("cost: naive vs optimized profile, " + rows + " rows at 256x256");
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
    RunSummary optimizedRun = runs.render("optimized", catalog, steps, new HashMap<>(redis));
    out.put(
        "cost_ratio_naive_vs_optimized",
        round(naiveRun.costPerRenderEur() / optimizedRun.costPerRenderEur()));
    ObjectNode cost = out.putObject("cost_per_render_eur_by_stage");
    cost.set("naive", runs.stageCost("naive", naiveRun.runId()));
    cost.set("optimized", runs.stageCost("optimized", optimizedRun.runId()));
  }

  /** The embedding cache's hit rate on a second run over the same captions. */
  public void embeddingCache(ObjectNode out, int rows, int stems, Map<String, String> redis)
      throws IOException {
    int distinct = Math.min(stems, rows);
    progress.accept(
        "embedding cache: "
            + rows
            + " rows over "
            + distinct
            + " caption stems, twice (2 steps: the cache is measured here, not the UNet)");
    String catalog = runs.catalog("cache");
    BenchCatalog.write(runs.spark(), catalog, rows, distinct, 64);
    Map<String, String> settings = new HashMap<>(redis);
    settings.put("contact_sheet_size", "0");
    runs.render("cache", catalog, 2, settings);
    settings.put("rerender_all", "true");
    RunSummary second = runs.render("cache", catalog, 2, settings);
    Double hitRate = second.embeddings().hitRate();
    out.put("embedding_cache_hit_rate_second_run", hitRate == null ? 0 : round(hitRate));
    out.put("embedding_cache", second.embeddings().cache());
    out.put("embedding_cache_rows", rows);
    out.put("embedding_cache_stems", distinct);
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
