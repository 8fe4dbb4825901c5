package com.catalogrender.bench;

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
    ObjectNode e = (ObjectNode) o.get("job_efficiency_detail");
    System.out.printf(
        "job efficiency          %.3f  (job %.2f renders/s vs bare loop %.2f renders/s; goal >= 0.95)%n",
        o.get("job_efficiency").asDouble(),
        e.get("job_renders_per_second").asDouble(),
        e.get("bare_loop_renders_per_second").asDouble());
    System.out.printf(
        "  seconds per render by stage in the job: %s; device busy share %.3f%n",
        e.get("job_seconds_per_render_by_stage"), e.get("device_busy_share").asDouble());
    System.out.printf(
        "model loads per executor %.1f (one per variant and device used)%n",
        o.get("model_loads_per_executor").asDouble());
    System.out.printf(
        "cost ratio naive/optimized %.2fx (seed 3.9x, goal >= 5x)%n",
        o.get("cost_ratio_naive_vs_optimized").asDouble());
    System.out.printf("  %-14s %16s %16s%n", "stage", "naive EUR", "optimized EUR");
    ObjectNode c = (ObjectNode) o.get("cost_per_render_eur_by_stage");
    for (String stage :
        new String[] {"caption", "text_encoder", "unet", "vae", "post", "io", "total"}) {
      System.out.printf(
          Locale.ROOT,
          "  %-14s %16.9f %16.9f%n",
          stage,
          c.get("naive").get(stage).asDouble(),
          c.get("optimized").get(stage).asDouble());
    }
    System.out.printf(
        "embedding cache hit rate, second run: %.4f (%s, %d rows, %d stems; seed 91%%, goal >= 95%%)%n",
        o.get("embedding_cache_hit_rate_second_run").asDouble(),
        o.get("embedding_cache").asText(),
        o.get("embedding_cache_rows").asInt(),
        o.get("embedding_cache_stems").asInt());
    System.out.printf(
        "int8 speedup %.2fx at 8 images per step (seed 1.64x, goal >= 2x); similarity drop %.4f (seed 0.006, goal <= 0.005)%n",
        o.get("int8_speedup").asDouble(), o.get("int8_similarity_drop").asDouble());
    if (o.has("scale")) {
      System.out.println("scale: " + o.get("scale"));
    }
  }
}
