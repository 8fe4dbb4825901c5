package com.catalogrender.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** The bench's report: the machine it ran on, and the figures printed as a table. */
public final class BenchReport {
  private BenchReport() {}

  /** The machine, its task slots and the versions the figures were measured with. */
  public static ObjectNode machine(SparkSession spark, int slots, String model) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode machine = json.createObjectNode();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("task_slots", slots);
    machine.put("torch_threads_per_task", Integer.getInteger("ai.djl.pytorch.num_threads", -1));
    String cpu = "?";
    long memKb = 0;
    if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    }
    machine.put("cpu", cpu);
    machine.put("memory_gib", BenchRuns.round(memKb / 1048576.0));
    machine.put("gpu", "none used (CPU int8/fp32 path)");
    ObjectNode versions = machine.putObject("versions");
    versions.put("java", System.getProperty("java.version"));
    versions.put("spark", spark.version());
    versions.put("delta", io.delta.tables.DeltaTable.class.getPackage().getImplementationVersion());
    versions.put("djl", ai.djl.engine.Engine.getDjlVersion());
    versions.put("pytorch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
    versions.put("model", model);
    return machine;
  }

  /** Prints the figures as a table. */
  public static void print(ObjectNode o) {
    ObjectNode m = (ObjectNode) o.get("machine");
    System.out.printf(
        "catalog-render bench on %s, %d cores, %.1f GiB, %d task slots x %d torch thread(s); Spark %s, DJL %s, PyTorch %s%n%n",
        m.get("cpu").asText(),
        m.get("cores").asInt(),
        m.get("memory_gib").asDouble(),
        m.get("task_slots").asInt(),
        m.get("torch_threads_per_task").asInt(),
        m.get("versions").get("spark").asText(),
        m.get("versions").get("djl").asText(),
        m.get("versions").get("pytorch").asText());
    if (o.has("job_efficiency_detail")) {
      printEfficiency(o);
    }
    if (o.has("cost_ratio_naive_vs_optimized")) {
      printCost(o);
    }
    if (o.has("embedding_cache_detail")) {
      ObjectNode cache = (ObjectNode) o.get("embedding_cache_detail");
      System.out.printf(
          Locale.ROOT,
          "embedding cache hit rate: cold %.4f, next catalog %.4f (goal >= 0.95; seed 91%%) %s%n",
          o.get("embedding_cache_hit_rate_cold").asDouble(),
          o.get("embedding_cache_hit_rate_next_catalog").asDouble(),
          cache);
    }
    if (o.has("int8_speedup")) {
      System.out.printf(
          "int8 speedup %.2fx at 8 images per step (seed 1.64x, goal >= 2x); similarity drop %.4f (seed 0.006, goal <= 0.005)%n",
          o.get("int8_speedup").asDouble(), o.get("int8_similarity_drop").asDouble());
    }
    if (o.has("scale")) {
      System.out.println("scale: " + o.get("scale"));
    }
    if (o.has("scale_simulated")) {
      printScaleSimulated((ObjectNode) o.get("scale_simulated"));
    }
  }

  private static void printScaleSimulated(ObjectNode scale) {
    System.out.printf(
        Locale.ROOT,
        "scale (simulated device work, %.3f s per batch; %s; %d requests in flight)%n",
        scale.get("simulated_device_seconds_per_batch").asDouble(),
        scale.get("gateway").asText(),
        scale.get("gateway_concurrency").asInt());
    System.out.printf(
        "  %9s %9s %9s %9s %9s %9s %9s %11s %10s %9s%n",
        "rows",
        "wall s",
        "renders/s",
        "render s",
        "outside s",
        "capt wait",
        "plan+hist",
        "heap live/after GC",
        "delta log",
        "64 GPUs");
    scale
        .fields()
        .forEachRemaining(
            entry -> {
              if (!entry.getKey().chars().allMatch(Character::isDigit)) {
                return;
              }
              JsonNode s = entry.getValue();
              System.out.printf(
                  Locale.ROOT,
                  "  %9s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %5d/%5d %10d %8.0f%%%n",
                  entry.getKey(),
                  s.get("wall_seconds").asDouble(),
                  s.get("renders_per_second").asDouble(),
                  s.get("render_stage_seconds").asDouble(),
                  s.get("driver_seconds_outside_render_stages").asDouble(),
                  s.get("caption_wait_seconds").asDouble(),
                  s.get("plan_with_history_seconds").asDouble(),
                  s.get("driver_live_heap_peak_mib").asLong(),
                  s.get("driver_heap_peak_after_collection_mib").asLong(),
                  s.get("delta_log_bytes").asLong(),
                  s.get("projection").get("64_gpus").get("driver_overhead_share").asDouble() * 100);
              printPhases(
                  "outside s by phase", s.get("driver_seconds_outside_render_stages_by_phase"));
              printPhases("no task s by phase", s.get("driver_alone_seconds_by_phase"));
              if (s.has("other_stage_task_seconds_during_render_stages")) {
                System.out.printf(
                    Locale.ROOT,
                    "  %9s other stages' tasks beside the render: %.1f slot-s (in the overhead)%n",
                    "",
                    s.get("other_stage_task_seconds_during_render_stages").asDouble());
              }
              JsonNode spread = s.get("projection").get("64_gpus");
              if (spread.has("driver_overhead_share_if_other_tasks_spread")) {
                System.out.printf(
                    Locale.ROOT,
                    "  %9s driver alone %.1f s; 64 GPUs if the other tasks spread over 64 slots:"
                        + " %.1f s outside, %.1f%% overhead%n",
                    "",
                    s.get("driver_alone_seconds").asDouble(),
                    spread.get("driver_seconds_if_other_tasks_spread").asDouble(),
                    spread.get("driver_overhead_share_if_other_tasks_spread").asDouble() * 100);
              }
            });
    scale
        .get("goals")
        .fields()
        .forEachRemaining(
            goal -> {
              JsonNode g = goal.getValue();
              System.out.printf(
                  Locale.ROOT,
                  "  goal %-45s %s%n",
                  goal.getKey(),
                  g.has("not_measured")
                      ? "not measured: " + g.get("not_measured").asText()
                      : String.format(
                          Locale.ROOT,
                          "%s (target %s): %s",
                          g.get("figure").asText(),
                          g.get("target").asText(),
                          g.get("met").asBoolean() ? "met" : "NOT met"));
            });
  }

  private static void printEfficiency(ObjectNode o) {
    ObjectNode e = (ObjectNode) o.get("job_efficiency_detail");
    System.out.printf(
        Locale.ROOT,
        "job efficiency          %.3f  (render stages %.2f renders/s vs bare loop %.2f renders/s; goal >= 0.90)%n",
        o.get("job_efficiency").asDouble(),
        e.get("job_renders_per_second").asDouble(),
        e.get("bare_loop_renders_per_second").asDouble());
    System.out.printf(
        Locale.ROOT,
        "  run %.1f s: render stages %.1f s, captions %.1f s, commits and merges %.1f s, other driver work %.1f s;"
            + " incl. captions and commits %.3f%n",
        e.get("job_wall_seconds").asDouble(),
        e.get("job_render_stage_seconds").asDouble(),
        e.get("job_caption_seconds").asDouble(),
        e.get("job_commit_seconds").asDouble(),
        e.get("job_driver_seconds_outside_render_stages").asDouble()
            - e.get("job_caption_seconds").asDouble()
            - e.get("job_commit_seconds").asDouble(),
        e.get("job_efficiency_incl_captions_and_commits").asDouble());
    System.out.printf(
        "  seconds per render by stage in the job: %s; device busy share %.3f%n",
        e.get("job_seconds_per_render_by_stage"), e.get("device_busy_share").asDouble());
    if (o.has("fixed_seconds_per_run")) {
      System.out.printf(
          Locale.ROOT,
          "fixed seconds per run    %.2f  (intercept of wall time at two sizes; goal <= 8)%n",
          o.get("fixed_seconds_per_run").asDouble());
      System.out.printf(
          Locale.ROOT,
          "job efficiency (wall)   %.3f  (%d rows, whole run; goal >= 0.85); render stages alone %.3f%n  %s%n",
          o.get("job_efficiency_wall").asDouble(),
          o.get("job_efficiency_wall_rows").asInt(),
          o.get("job_efficiency_render_stages_at_wall_rows").asDouble(),
          o.get("fixed_seconds_detail"));
    }
    System.out.printf(
        "model loads per executor %.1f (one per variant and device used)%n",
        o.get("model_loads_per_executor").asDouble());
  }

  private static void printCost(ObjectNode o) {
    ObjectNode audit = (ObjectNode) o.get("optimized_profile_audit");
    System.out.printf(
        Locale.ROOT,
        "cost ratio naive/optimized %.2fx (seed 3.9x, goal >= 5x); optimized profile %s%n",
        o.get("cost_ratio_naive_vs_optimized").asDouble(),
        o.get("optimized_profile"));
    if (audit.has("similarity_drop")) {
      System.out.printf(
          Locale.ROOT,
          "  audited similarity drop vs naive %.4f [%.4f, %.4f] over %d held-out images (goal <= %.3f)%n",
          audit.get("similarity_drop").asDouble(),
          audit.get("similarity_drop_low").asDouble(),
          audit.get("similarity_drop_high").asDouble(),
          audit.get("images").asInt(),
          audit.get("max_similarity_drop").asDouble());
    }
    System.out.println("  audit candidates: " + audit.get("candidates"));
    System.out.printf("  %-14s %16s %16s%n", "stage", "naive EUR", "optimized EUR");
    ObjectNode c = (ObjectNode) o.get("cost_per_render_eur_by_stage");
    for (String stage :
        new String[] {"caption", "cache", "text_encoder", "unet", "vae", "post", "io", "total"}) {
      System.out.printf(
          Locale.ROOT,
          "  %-14s %16.9f %16.9f%n",
          stage,
          c.get("naive").get(stage).asDouble(),
          c.get("optimized").get(stage).asDouble());
    }
  }

  /** One line of seconds per phase ({@code byPhase}: phase to seconds), when the run has them. */
  private static void printPhases(String label, JsonNode byPhase) {
    if (byPhase == null) {
      return;
    }
    StringBuilder line = new StringBuilder();
    byPhase
        .fields()
        .forEachRemaining(
            phase ->
                line.append(line.length() == 0 ? "" : ", ")
                    .append(
                        String.format(
                            Locale.ROOT, "%s %.1f", phase.getKey(), phase.getValue().asDouble())));
    System.out.printf("  %9s %s: %s%n", "", label, line);
  }
}
