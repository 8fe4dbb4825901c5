package com.catalogrender.jobs;

import com.catalogrender.config.LayeredSettings;
import com.catalogrender.render.RenderConfig;
import com.catalogrender.render.RenderRun;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.results.EmbeddingFigures;
import com.catalogrender.results.RunSummary;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.settings.RunSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code render [--settings FILE|URI] [setting flags] [--rerender-all] [--dry-run]}: renders the
 * catalog rows whose inputs changed since their last ok render and records one result row each.
 */
@Command(
    name = "render",
    description = {
      "Render the catalog's changed rows on Spark and record one result row each.",
      "Settings, highest first: these flags, --settings FILE, Spark confs"
          + " spark.catalogrender.<key> (spark-defaults.conf, --properties-file), the built-in"
          + " defaults shown below."
    },
    footer = {
      "",
      "submit.sh's own options: --master URL, --deploy-mode client|cluster, --spark-conf K=V"
          + " (repeatable), --properties-file FILE, --archives A#NAME.",
      "Exit codes: 0 success, 1 failure, 2 usage error, 4 budget exhausted with rows left."
    })
final class RenderCommand implements SparkJob {
  @Mixin SettingsFileOption settings;

  @Option(names = "--rerender-all", description = "render every selected row, changed or not")
  boolean rerenderAll;

  @Option(names = "--dry-run", description = "plan and price the run; render nothing")
  boolean dryRun;

  @Option(names = "--conf", hidden = true)
  String oldConfFlag;

  @Spec CommandSpec spec;

  private RenderConfig config;

  @Override
  public void check() {
    if (oldConfFlag != null) {
      throw new IllegalArgumentException(
          "render: --conf FILE is now --settings FILE (Spark's --conf K=V is --spark-conf K=V)");
    }
    Map<String, String> flags = new HashMap<>(RenderSettingOptions.given(spec));
    if (rerenderAll) {
      flags.put(CatalogSelection.RERENDER_ALL, "true");
    }
    if (dryRun) {
      flags.put(RunSettings.DRY_RUN, "true");
    }
    config = configure(flags, settings.location);
  }

  /** The run's settings from every layer, parsed and checked without a SparkSession. */
  static RenderConfig configure(Map<String, String> flags, String settingsFile) {
    SparkConf sparkConf = new SparkConf();
    return RenderConfig.parse(
        LayeredSettings.merge(
            RenderSettingOptions.COMMAND_DEFAULTS,
            sparkConf,
            settingsFile,
            SparkHadoopUtil.get().newConfiguration(sparkConf),
            flags),
        sparkConf);
  }

  @Override
  public String metastoreWarehouse() {
    return config.run().database() == null ? null : config.run().warehouse().root();
  }

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    return render(
        spark, config, String.join(" ", spec.commandLine().getParseResult().originalArgs()));
  }

  /** Renders with {@code config}; prints the summary; returns the exit code. */
  static int render(SparkSession spark, RenderConfig config, String arguments)
      throws java.io.IOException {
    RunSummary summary = new RenderRun(spark, config, System.err::println).execute(arguments);
    if (config.run().dryRun()) {
      return ExitCodes.SUCCESS;
    }
    print(summary);
    return summary.rows().skippedBudget() > 0 ? ExitCodes.BUDGET_EXHAUSTED : ExitCodes.SUCCESS;
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
        "cost:          EUR %.6f marginal (%.7f per render), EUR %.6f fixed (model load %.6f, idle %.6f, driver %.6f); device-seconds rows %.2f vs busy clocks %.2f, task seconds accounted %.1f%% of Spark's%n",
        s.costs().marginalEur(),
        s.costPerRenderEur(),
        s.costs().fixedEur(),
        s.costs().fixed().modelLoadEur(),
        s.costs().fixed().idleEur(),
        s.costs().fixed().driverEur(),
        s.costs().deviceSecondsRows(),
        s.costs().deviceSecondsMeasured(),
        s.costs().reconciliation().taskAgreement() * 100);
    if (s.budget().budgetEur() > 0) {
      System.out.printf(
          "budget:        spent EUR %.6f of %.6f; %d row(s) left for a later run (status skipped_budget)%n",
          s.budget().spentEur(), s.budget().budgetEur(), s.rows().skippedBudget());
    }
    CaptionFigures c = s.captions();
    System.out.printf(
        "captions:      %s, %d distinct prompts, %d gateway requests, cache hit rate %s, %d answers normalised, %d rejected, %d template fallbacks (%d saved by the circuit breaker), EUR %.6f%n",
        c.rewriter(),
        c.distinctPrompts(),
        c.httpRequests(),
        percent(c.cacheHitRate()),
        c.normalisedAnswers(),
        c.rejectedAnswers(),
        c.fallbacks(),
        c.breakerSavedPrompts(),
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
}
