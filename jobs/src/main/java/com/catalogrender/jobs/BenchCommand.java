package com.catalogrender.jobs;

import com.catalogrender.bench.BenchExperiments;
import com.catalogrender.bench.BenchReport;
import com.catalogrender.bench.BenchRuns;
import com.catalogrender.bench.RedisServerProcess;
import com.catalogrender.diffusion.ModelDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench [--rows 200] [--steps 25] [--cache-rows 4000] [--stems 4000] [--redis-server PATH]
 * [--scale] [--json]}: how close the render job is to the limit and what each optimisation buys,
 * every ratio taken side by side in this one process. A benchmark: it prints figures and asserts
 * nothing about them.
 */
final class BenchCommand {
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
    Path model = ModelLocation.resolve(args).toAbsolutePath().normalize();
    ModelDirectory directory = ModelDirectory.open(model);
    int rows = args.integer("rows", 200);
    int steps = args.integer("steps", 25);
    Path work =
        Path.of(
                "out/bench",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
            .toAbsolutePath();
    Files.createDirectories(work);
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.set(
        "machine",
        BenchReport.machine(
            spark,
            spark.sparkContext().defaultParallelism(),
            directory.manifest().modelId() + " " + directory.manifest().version()));
    BenchExperiments experiments =
        new BenchExperiments(new BenchRuns(spark, work, model), BenchCommand::progress);
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            args.optional("redis-server", null), work, BenchCommand::progress)) {
      experiments.jobEfficiency(out, rows, steps);
      experiments.costProfiles(out, rows, steps, redis.settings());
      experiments.embeddingCache(
          out, args.integer("cache-rows", 4000), args.integer("stems", 4000), redis.settings());
      // the model benchmark: int8 vs fp32 at 8 images per step, quality on held-out prompts
      progress("model: int8 vs fp32 UNet, held-out similarity");
      ObjectNode modelFigures = BenchModelCommand.measure(directory, 3, 5, true, false);
      out.put("int8_speedup", modelFigures.get("speedup_int8_vs_fp32").asDouble());
      out.put("int8_similarity_drop", modelFigures.get("similarity_drop").asDouble());
      out.set("model_benchmark", modelFigures);
      if (args.flag("scale")) {
        experiments.scale(out, steps);
      }
    }
    if (args.flag("json")) {
      System.out.println(out.toString());
    } else {
      BenchReport.print(out);
    }
    return 0;
  }

  private static void progress(String line) {
    System.err.println("[bench] " + line);
  }
}
