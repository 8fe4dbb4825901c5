package com.catalogrender.jobs;

import com.catalogrender.bench.BareLoop;
import com.catalogrender.bench.BenchCatalog;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.render.RenderConfig;
import com.catalogrender.render.RenderRun;
import com.catalogrender.render.RunSummary;
import com.catalogrender.runtime.ModelRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench [--rows 200] [--steps 25] [--cache-rows 4000] [--stems 4000] [--redis-server PATH]
 * [--scale] [--json]}: how close the render job is to the limit and what each optimisation buys,
 * every ratio taken side by side in this one process. A benchmark: it prints figures and asserts
 * nothing about them.
 */
final class BenchCommand {
  private static final String[] STAGES = {"caption", "text_encoder", "unet", "vae", "post", "io"};

  private final ObjectMapper json = new ObjectMapper();
  private SparkSession spark;
  private Path work;
  private Path model;
  private ModelDirectory directory;
  private final Map<String, String> redis = new HashMap<>();

  int run(String[] argv, SparkSession spark) throws Exception {
    CommandArguments args =
        CommandArguments.parse(
            "bench",
            argv,
            List.of(
                "rows",
                "steps",
                "cache-rows",
                "stems",
                "redis-server",
                ModelLocation.OPTION,
                "master"),
            List.of("json", "scale"));
    this.spark = spark;
    this.model = ModelLocation.resolve(args).toAbsolutePath().normalize();
    this.directory = ModelDirectory.open(model);
    int rows = args.integer("rows", 200);
    int steps = args.integer("steps", 25);
    int cacheRows = args.integer("cache-rows", 4000);
    int stems = args.integer("stems", 4000);
    boolean asJson = args.flag("json");
    work =
        Path.of(
                "out/bench",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
            .toAbsolutePath();
    Files.createDirectories(work);
    int slots = spark.sparkContext().defaultParallelism();
    ObjectNode out = json.createObjectNode();
    out.set("machine", machine(slots));
    Process redisProcess = startRedis(args.optional("redis-server", null));
    try {
      // 1. job efficiency: the full job vs a bare loop, same model, variant, batch, steps, slots
      progress("job efficiency: " + rows + " rows, " + steps + " steps, " + slots + " task slots");
      String catalogA = work.resolve("catalog-efficiency").toString();
      BenchCatalog.write(spark, catalogA, rows, Math.min(rows, 240), 64);
      double bare =
          BareLoop.rendersPerSecond(
              model, Variant.INT8, rows, Math.min(rows, 240), 8, steps, 4.0, slots);
      RunSummary job = render("efficiency", catalogA, steps, Map.of());
      double jobRate = job.rowsOk() / job.renderSeconds();
      ObjectNode efficiency = out.putObject("job_efficiency_detail");
      efficiency.put("bare_loop_renders_per_second", round(bare));
      efficiency.put("job_renders_per_second", round(jobRate));
      efficiency.put("job_wall_seconds", round(job.wallSeconds()));
      efficiency.put("job_render_phase_seconds", round(job.renderSeconds()));
      efficiency.set("job_seconds_per_render_by_stage", stageSeconds("efficiency", job.runId()));
      efficiency.put("device_busy_share", round(job.cluster().deviceBusyShare()));
      out.put("job_efficiency", round(jobRate / bare));
      out.put(
          "model_loads_per_executor",
          round((double) job.modelLoads() / Math.max(1, job.executors())));

      // 2. naive vs optimized profile, same catalog and rates
      progress("cost: naive vs optimized profile, " + rows + " rows at 256x256");
      String catalogB = work.resolve("catalog-cost").toString();
      BenchCatalog.write(spark, catalogB, rows, Math.max(1, rows / 4), 256);
      Map<String, String> naive =
          Map.of(
              "cpu_variant", "fp32",
              "caption_dedupe", "false",
              "embedding_cache", "off",
              "post_queue_batches", "0",
              "gateway.cache", "false");
      Map<String, String> optimized = new HashMap<>(redis);
      RunSummary naiveRun = render("naive", catalogB, steps, naive);
      RunSummary optimizedRun = render("optimized", catalogB, steps, optimized);
      out.put(
          "cost_ratio_naive_vs_optimized",
          round(naiveRun.costPerRenderEur() / optimizedRun.costPerRenderEur()));
      ObjectNode cost = out.putObject("cost_per_render_eur_by_stage");
      cost.set("naive", stageCost("naive", naiveRun.runId()));
      cost.set("optimized", stageCost("optimized", optimizedRun.runId()));

      // 3. the embedding cache on a second run
      progress(
          "embedding cache: "
              + cacheRows
              + " rows over "
              + Math.min(stems, cacheRows)
              + " caption stems, twice (2 steps: the cache is measured here, not the UNet)");
      String catalogC = work.resolve("catalog-cache").toString();
      BenchCatalog.write(spark, catalogC, cacheRows, Math.min(stems, cacheRows), 64);
      Map<String, String> cacheSettings = new HashMap<>(redis);
      cacheSettings.put("contact_sheet_size", "0");
      render("cache", catalogC, 2, cacheSettings);
      cacheSettings.put("rerender_all", "true");
      RunSummary second = render("cache", catalogC, 2, cacheSettings);
      Double hitRate = second.caches().embeddingHitRate();
      out.put("embedding_cache_hit_rate_second_run", hitRate == null ? 0 : round(hitRate));
      out.put("embedding_cache", second.caches().embeddingCache());
      out.put("embedding_cache_rows", cacheRows);
      out.put("embedding_cache_stems", Math.min(stems, cacheRows));

      // 4. the model benchmark: int8 vs fp32 at 8 images per step, quality on held-out prompts
      progress("model: int8 vs fp32 UNet, held-out similarity");
      ObjectNode modelFigures = BenchModelCommand.measure(directory, 3, 5, true, false);
      out.put("int8_speedup", modelFigures.get("speedup_int8_vs_fp32").asDouble());
      out.put("int8_similarity_drop", modelFigures.get("similarity_drop").asDouble());
      out.set("model_benchmark", modelFigures);

      if (args.flag("scale")) {
        out.set("scale", scale(steps));
      }
    } finally {
      if (redisProcess != null) {
        redisProcess.destroy();
      }
    }
    if (asJson) {
      System.out.println(out.toString());
    } else {
      print(out);
    }
    return 0;
  }

  private RunSummary render(String name, String catalog, int steps, Map<String, String> extra)
      throws Exception {
    ModelRegistry.executorWide().closeAll(); // every profile pays its own model loads
    Map<String, String> settings = new HashMap<>();
    settings.put("catalog", catalog);
    settings.put("warehouse", work.resolve(name + "/warehouse").toString());
    settings.put("images", work.resolve(name + "/images").toString());
    settings.put("model_dir", model.toString());
    settings.put("steps", Integer.toString(steps));
    settings.put("contact_sheet_size", "0");
    settings.putAll(extra);
    return new RenderRun(spark, RenderConfig.parse(settings), line -> {}).execute("bench " + name);
  }

  private ObjectNode stageSeconds(String name, String runId) {
    return perStage(name, runId, "seconds_%s");
  }

  private ObjectNode stageCost(String name, String runId) {
    ObjectNode node = perStage(name, runId, "cost_%s_eur");
    double total = 0;
    for (String stage : STAGES) {
      total += node.get(stage).asDouble();
    }
    node.put("total", total);
    return node;
  }

  private ObjectNode perStage(String name, String runId, String column) {
    StringBuilder select = new StringBuilder();
    for (String stage : STAGES) {
      select
          .append(select.length() == 0 ? "" : ", ")
          .append("avg(")
          .append(String.format(column, stage))
          .append(")");
    }
    spark
        .read()
        .format("delta")
        .load(work.resolve(name + "/warehouse/renders").toString())
        .createOrReplaceTempView("bench_renders");
    Row row =
        spark
            .sql(
                "SELECT "
                    + select
                    + " FROM bench_renders WHERE status = 'ok' AND run_id = '"
                    + runId
                    + "'")
            .first();
    ObjectNode node = json.createObjectNode();
    for (int i = 0; i < STAGES.length; i++) {
      node.put(STAGES[i], row.isNullAt(i) ? 0 : row.getDouble(i));
    }
    return node;
  }

  private ObjectNode scale(int steps) throws Exception {
    ObjectNode scale = json.createObjectNode();
    for (int rows : new int[] {200, 800, 3200}) {
      progress("scale: " + rows + " rows");
      String catalog = work.resolve("catalog-scale-" + rows).toString();
      BenchCatalog.write(spark, catalog, rows, Math.min(rows, 240), 64);
      RunSummary run = render("scale-" + rows, catalog, steps, Map.of());
      ObjectNode size = scale.putObject(Integer.toString(rows));
      size.put("wall_seconds", round(run.wallSeconds()));
      size.put("eur_per_render_marginal", run.costPerRenderEur());
      size.put(
          "eur_per_render_with_fixed", (run.marginalCostEur() + run.fixedCostEur()) / run.rowsOk());
    }
    String catalog = work.resolve("catalog-scale-800").toString();
    for (int tasks : new int[] {1, 2}) {
      progress("scale: 800 rows in " + tasks + " task(s)");
      RunSummary run =
          render("slots-" + tasks, catalog, steps, Map.of("partitions", Integer.toString(tasks)));
      scale.put(
          "renders_per_second_" + tasks + "_tasks", round(run.rowsOk() / run.renderSeconds()));
    }
    scale.put(
        "speedup_2_tasks_vs_1",
        round(
            scale.get("renders_per_second_2_tasks").asDouble()
                / scale.get("renders_per_second_1_tasks").asDouble()));
    return scale;
  }

  /** A real Redis for the cache measurement: the given binary, else redis-server on PATH. */
  private Process startRedis(String binary) throws Exception {
    String server = binary;
    if (server == null) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, "redis-server"))) {
          server = Path.of(dir, "redis-server").toString();
          break;
        }
      }
    }
    if (server == null) {
      progress(
          "no redis-server found (apt-get install redis-server, or --redis-server PATH): the"
              + " embedding cache is measured in-process");
      return null;
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                server, "--port", Integer.toString(port), "--save", "", "--appendonly", "no")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("redis.log").toFile())
            .start();
    Thread.sleep(500);
    redis.put("spark.redis.host", "127.0.0.1");
    redis.put("spark.redis.port", Integer.toString(port));
    redis.put("embedding_cache", "redis");
    return process;
  }

  private ObjectNode machine(int slots) throws Exception {
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
    machine.put("memory_gib", round(memKb / 1048576.0));
    machine.put("gpu", "none used (CPU int8/fp32 path)");
    ObjectNode versions = machine.putObject("versions");
    versions.put("java", System.getProperty("java.version"));
    versions.put("spark", spark.version());
    versions.put("delta", io.delta.tables.DeltaTable.class.getPackage().getImplementationVersion());
    versions.put("djl", ai.djl.engine.Engine.getDjlVersion());
    versions.put("pytorch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
    versions.put("model", directory.manifest().modelId() + " " + directory.manifest().version());
    return machine;
  }

  private static void progress(String line) {
    System.err.println("[bench] " + line);
  }

  private static double round(double value) {
    return Math.round(value * 10000.0) / 10000.0;
  }

  private void print(ObjectNode o) {
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
