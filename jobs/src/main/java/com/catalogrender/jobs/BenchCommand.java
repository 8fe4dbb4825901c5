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
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench [--rows 200] [--steps 25] [--cache-rows 4000] [--stems 4000] [--redis-server PATH]
 * [--scale] [--json]}: how close the render job is to the limit and what each optimisation buys,
 * every ratio taken side by side in this one process. A benchmark: it prints figures and asserts
 * nothing about them.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Job efficiency against the bare model loop, cost naive vs optimised, embedding cache hit"
            + " rate and the model benchmark, every ratio measured in this one run.")
final class BenchCommand implements SparkJob {
  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "200",
      showDefaultValue = Visibility.ALWAYS,
      description = "catalog rows per experiment")
  int rows;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "25",
      showDefaultValue = Visibility.ALWAYS,
      description = "sampler steps")
  int steps;

  @Option(
      names = "--cache-rows",
      paramLabel = "N",
      defaultValue = "4000",
      showDefaultValue = Visibility.ALWAYS,
      description = "rows of the embedding cache experiment")
  int cacheRows;

  @Option(
      names = "--stems",
      paramLabel = "N",
      defaultValue = "4000",
      showDefaultValue = Visibility.ALWAYS,
      description = "distinct prompt stems of the cache experiment")
  int stems;

  @Option(
      names = "--redis-server",
      paramLabel = "PATH",
      description = "the redis-server binary (default: the embedded one)")
  String redisServer;

  @Option(names = "--scale", description = "also measure scaling over task counts")
  boolean scale;

  @Option(names = "--json", description = "print the figures as one JSON object")
  boolean json;

  @Mixin ModelLocation modelLocation;

  @Override
  public int run(SparkSession spark) throws Exception {
    Path model =
        modelLocation
            .local(spark.sparkContext().hadoopConfiguration())
            .toAbsolutePath()
            .normalize();
    ModelDirectory directory = ModelDirectory.open(model);
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
        RedisServerProcess.start(redisServer, work, BenchCommand::progress)) {
      experiments.jobEfficiency(out, rows, steps);
      experiments.costProfiles(out, rows, steps, redis.settings());
      experiments.embeddingCache(out, cacheRows, stems, redis.settings());
      // the model benchmark: int8 vs fp32 at 8 images per step, quality on held-out prompts
      progress("model: int8 vs fp32 UNet, held-out similarity");
      ObjectNode modelFigures = BenchModelCommand.measure(directory, 3, 5, true, false);
      out.put("int8_speedup", modelFigures.get("speedup_int8_vs_fp32").asDouble());
      out.put("int8_similarity_drop", modelFigures.get("similarity_drop").asDouble());
      out.set("model_benchmark", modelFigures);
      if (scale) {
        experiments.scale(out, steps);
      }
    }
    if (json) {
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
