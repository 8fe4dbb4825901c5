package com.catalogrender.jobs;

import com.catalogrender.bench.BenchExperiments;
import com.catalogrender.bench.BenchReport;
import com.catalogrender.bench.BenchRuns;
import com.catalogrender.bench.RedisServerProcess;
import com.catalogrender.bench.ScaleSimulation;
import com.catalogrender.diffusion.ModelDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bench [--rows 200] [--steps 25] [--wall-rows 400,1600] [--max-similarity-drop 0.005]
 * [--cache-rows 4000] [--stems 4000] [--new-stem-share 0.03] [--redis-server PATH] [--scale]
 * [--scale-simulated [--scale-sizes 10000,100000]] [--json]}: how close the render job is to the
 * limit and what each optimisation buys, every ratio taken side by side in this one process. A
 * benchmark: it prints figures and asserts nothing about them.
 */
@Command(name = "bench")
final class BenchCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Mixin ModelLocation modelLocation;

  @Override
  public int run(SparkSession spark) throws Exception {
    OptionTable o = new OptionTable(spec);
    int rows = o.get("--rows");
    int steps = o.get("--steps");
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
    Path figures = work.resolve("bench.json");
    BenchExperiments experiments =
        new BenchExperiments(
            new BenchRuns(spark, work, model),
            line -> {
              progress(line);
              try {
                // the figures so far, so a long bench that stops still leaves what it measured
                Files.writeString(figures, out.toString());
              } catch (java.io.IOException e) {
                progress("could not write " + figures + ": " + e.getMessage());
              }
            });
    try (RedisServerProcess redis =
        RedisServerProcess.start(o.get("--redis-server"), work, BenchCommand::progress)) {
      boolean scaleSimulated = o.<Boolean>get("--scale-simulated");
      // --scale-simulated alone runs only the scale benchmark; with --only, those experiments too
      java.util.Set<String> only =
          scaleSimulated && o.get("--only") == null
              ? java.util.Set.of()
              : experiments(o.get("--only"));
      if (only.contains("efficiency")) {
        experiments.jobEfficiency(out, rows, steps);
      }
      String wallRows = o.get("--wall-rows");
      if (only.contains("wall") && !wallRows.equals("0")) {
        String[] sizes = wallRows.split(",");
        if (sizes.length != 2) {
          throw new IllegalArgumentException(
              "bench: --wall-rows takes two catalog sizes, e.g. 400,1600 (or 0 to skip), got "
                  + wallRows);
        }
        experiments.wallEfficiency(
            out, steps, Integer.parseInt(sizes[0].trim()), Integer.parseInt(sizes[1].trim()));
      }
      if (only.contains("cost")) {
        experiments.costProfiles(
            out, rows, steps, redis.settings(), o.<Double>get("--max-similarity-drop"));
      }
      if (only.contains("cache")) {
        experiments.embeddingCache(
            out,
            o.<Integer>get("--cache-rows"),
            o.<Integer>get("--stems"),
            o.<Double>get("--new-stem-share"),
            redis.settings());
      }
      if (only.contains("model")) {
        // the model benchmark: int8 vs fp32 at 8 images per step, quality on held-out prompts
        progress("model: int8 vs fp32 UNet, held-out similarity");
        ObjectNode modelFigures = BenchModelCommand.measure(directory, 3, 5, true, false);
        out.put("int8_speedup", modelFigures.get("speedup_int8_vs_fp32").asDouble());
        out.put("int8_similarity_drop", modelFigures.get("similarity_drop").asDouble());
        out.set("model_benchmark", modelFigures);
      }
      if (scaleSimulated) {
        new ScaleSimulation(new BenchRuns(spark, work, model), BenchCommand::progress)
            .run(
                out,
                sizes(o.get("--scale-sizes")),
                o.<Double>get("--scale-device-seconds"),
                o.<Double>get("--scale-distinct"),
                0.02,
                o.<Integer>get("--scale-concurrency"));
      }
      if (o.<Boolean>get("--scale")) {
        experiments.scale(out, steps);
      }
    }
    Files.writeString(figures, out.toString());
    progress("figures written to " + figures);
    if (o.<Boolean>get("--json")) {
      System.out.println(out.toString());
    } else {
      BenchReport.print(out);
    }
    return 0;
  }

  private static final java.util.List<String> EXPERIMENTS =
      java.util.List.of("efficiency", "wall", "cost", "cache", "model");

  /** The experiments {@code --only} names; every one when it names none. */
  private static java.util.Set<String> experiments(String only) {
    if (only == null || only.isBlank()) {
      return new java.util.HashSet<>(EXPERIMENTS);
    }
    java.util.Set<String> chosen = new java.util.HashSet<>();
    for (String name : only.split(",")) {
      String experiment = name.trim();
      if (!EXPERIMENTS.contains(experiment)) {
        throw new IllegalArgumentException(
            "bench: --only takes experiments of " + EXPERIMENTS + ", got '" + experiment + "'");
      }
      chosen.add(experiment);
    }
    if (chosen.contains("wall") && !chosen.contains("efficiency")) {
      throw new IllegalArgumentException(
          "bench: --only wall needs efficiency too (the bare loop it is compared with)");
    }
    return chosen;
  }

  private static java.util.List<Integer> sizes(String text) {
    java.util.List<Integer> sizes = new java.util.ArrayList<>();
    for (String size : text.split(",")) {
      try {
        int rows = Integer.parseInt(size.trim().replace("_", ""));
        if (rows < 100) {
          throw new NumberFormatException();
        }
        sizes.add(rows);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bench: --scale-sizes takes catalog sizes of at least 100 rows, e.g."
                + " 10000,100000,1000000, got '"
                + size
                + "'");
      }
    }
    return sizes;
  }

  private static void progress(String line) {
    System.err.println("[bench] " + line);
  }

  @Override
  public String options() {
    return """
      --rows                 N     int     200       catalog rows per experiment
      --steps                N     int     25        sampler steps (the naive profile's)
      --wall-rows            N,N   text    400,1600  two catalog sizes for the fixed seconds and whole-run efficiency (0: skip)
      --max-similarity-drop  D     double  0.005     the optimized profile's largest audited similarity drop
      --cache-rows           N     int     4000      rows per catalog of the embedding cache experiment
      --stems                N     int     4000      caption stems the cache catalogs draw from (Zipf)
      --new-stem-share       S     double  0.03      share of the second catalog's rows on stems never seen
      --only                 LIST  text    -         only these experiments: efficiency,wall,cost,cache,model (default: all)
      --redis-server         PATH  text    -         the redis-server binary (default: redis-server on PATH)
      --scale                -     flag    -         also measure scaling over task counts
      --scale-simulated      -     flag    -         the catalog-scale benchmark with simulated device work (alone unless --only names more)
      --scale-sizes          LIST  text    10000,100000  catalog sizes of --scale-simulated (add 1000000 for the opt-in million rows; the first is run once more before, unmeasured)
      --scale-device-seconds  S  double  0.02  simulated device seconds per batch of 8
      --scale-distinct       D     double  0.3       distinct prompts per catalog row
      --scale-concurrency    N     int     64        gateway requests in flight
      --json                 -     flag    -         print the figures as one JSON object
      """;
  }
}
