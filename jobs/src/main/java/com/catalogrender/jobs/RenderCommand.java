package com.catalogrender.jobs;

import com.catalogrender.render.RenderConfig;
import com.catalogrender.render.RenderRun;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RunSummary;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.settings.ImageSettings;
import com.catalogrender.settings.RunSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/**
 * {@code render --catalog PATH|TABLE --warehouse DIR|URI --images DIR|URI [--where SQL] [--limit N]
 * [--rerender-all] [--conf FILE] [--batch-size N] [--image-format png|jpeg|webp] ...}.
 */
final class RenderCommand {
  static final Path DEFAULTS = Path.of("conf/render.properties");

  /** Flags that set a {@link RenderConfig} key of the same name (dashes for underscores). */
  static final List<String> SETTING_OPTIONS =
      List.of(
          "catalog",
          "warehouse",
          "images",
          "where",
          "limit",
          "model-dir",
          "batch-size",
          "steps",
          "guidance",
          "image-format",
          "image-quality",
          "cpu-variant",
          "full-precision-min-side",
          "partitions",
          "rates",
          "budget-eur",
          "caption-rewriter",
          "gateway-url",
          "gateway-flavor",
          "gateway-model",
          "embedding-cache");

  int run(String[] argv, SparkSession spark) throws IOException {
    List<String> options = new ArrayList<>(SETTING_OPTIONS);
    options.addAll(List.of("conf", "master"));
    CommandArguments args =
        CommandArguments.parse("render", argv, options, List.of("rerender-all", "dry-run"));
    RenderConfig config = RenderConfig.parse(settings(args), spark.sparkContext().getConf());
    RunSummary summary =
        new RenderRun(spark, config, System.err::println).execute(String.join(" ", argv));
    if (!config.run().dryRun()) {
      print(summary);
    }
    return 0;
  }

  /** The render settings: conf/render.properties, then --conf FILE, then the flags. */
  static Map<String, String> settings(CommandArguments args) throws IOException {
    Map<String, String> settings = new HashMap<>();
    load(DEFAULTS, settings, false);
    if (args.optional("conf", null) != null) {
      load(Path.of(args.optional("conf", null)), settings, true);
    }
    settings.putIfAbsent(CatalogSelection.CATALOG, DemoPaths.CATALOG);
    settings.putIfAbsent(RunSettings.WAREHOUSE, DemoPaths.WAREHOUSE);
    settings.putIfAbsent(ImageSettings.IMAGES, DemoPaths.IMAGES);
    for (String option : SETTING_OPTIONS) {
      String value = args.optional(option, null);
      if (value != null) {
        settings.put(settingKey(option), value);
      }
    }
    if (args.flag("rerender-all")) {
      settings.put(CatalogSelection.RERENDER_ALL, "true");
    }
    if (args.flag("dry-run")) {
      settings.put(RunSettings.DRY_RUN, "true");
    }
    return settings;
  }

  /** {@code gateway-url} sets {@code gateway.url}; other flags their name with underscores. */
  static String settingKey(String option) {
    return option.startsWith("gateway-")
        ? "gateway." + option.substring("gateway-".length()).replace('-', '_')
        : option.replace('-', '_');
  }

  static void print(RunSummary s) {
    System.out.printf(
        "%nrun %s: %d rows | ok %d | failed %d | skipped %d | %.2f renders/s | %d executor(s), %d model load(s) | %.1fs%n",
        s.runId(),
        s.rowsTotal(),
        s.rowsOk(),
        s.rowsFailed(),
        s.rows().skipped(),
        s.rendersPerSecond(),
        s.work().executors(),
        s.work().modelLoads(),
        s.work().wallSeconds());
    System.out.printf(
        "cost:          EUR %.6f marginal (%.7f per render), EUR %.6f fixed; device-seconds rows %.2f vs measured %.2f%n",
        s.costs().marginalEur(),
        s.costPerRenderEur(),
        s.costs().fixedEur(),
        s.costs().deviceSecondsRows(),
        s.costs().deviceSecondsMeasured());
    if (s.budget().budgetEur() > 0) {
      System.out.printf(
          "budget:        spent EUR %.6f of %.6f; %d row(s) left for a later run (status skipped_budget)%n",
          s.budget().spentEur(), s.budget().budgetEur(), s.rows().skippedBudget());
    }
    CaptionFigures c = s.captions();
    System.out.printf(
        "captions:      %s, %d distinct prompts, %d gateway requests, cache hit rate %s, %d template fallbacks, EUR %.6f%n",
        c.rewriter(),
        c.distinctPrompts(),
        c.httpRequests(),
        percent(c.cacheHitRate()),
        c.fallbacks(),
        c.apiEur());
    EmbeddingFigures e = s.embeddings();
    System.out.printf(
        "embeddings:    cache %s, %d hits, %d misses (hit rate %s), %d cache failures%n",
        e.cache(), e.hits(), e.misses(), percent(e.hitRate()), e.failures());
    System.out.printf("images:        %s%n", s.locations().images());
    if (s.locations().contactSheet() != null) {
      System.out.printf("contact sheet: %s%n", s.locations().contactSheet());
    }
    System.out.printf("tables:        %s, %s%n", s.locations().renders(), s.locations().runs());
    if (s.rowsFailed() > 0) {
      System.out.printf(
          "failed rows:   ./submit.sh sql \"select sku, error from renders where run_id = '%s' and status = 'failed'\"%n",
          s.runId());
    }
  }

  private static String percent(Double rate) {
    return rate == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * rate);
  }

  private static void load(Path file, Map<String, String> settings, boolean required)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      if (required) {
        throw new IllegalArgumentException("render: --conf file " + file + " does not exist");
      }
      return;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    properties
        .stringPropertyNames()
        .forEach(k -> settings.put(k.trim(), properties.getProperty(k).trim()));
  }
}
