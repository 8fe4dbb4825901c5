package com.catalogrender.render;

import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.GatewaySettings;
import com.catalogrender.config.SettingsMap;
import com.catalogrender.cost.Rates;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import com.catalogrender.settings.BudgetSettings;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.settings.ImageSettings;
import com.catalogrender.settings.ModelSettings;
import com.catalogrender.settings.RunSettings;
import com.catalogrender.settings.TaskPolicy;
import com.catalogrender.settings.TestingHooks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;

/**
 * The render job's settings, parsed once on the driver into one validated record per concern,
 * cross-checked, with the rates file loaded and checked for this run's classes. Precedence, highest
 * first: command-line flags, the {@code --conf} properties file, {@code conf/render.properties},
 * each concern's defaults.
 *
 * @param redactedSettings the raw settings with secret values masked, for {@code runs.config} only
 */
public record RenderConfig(
    CatalogSelection catalog,
    ModelSettings model,
    ImageSettings images,
    RunSettings run,
    BudgetSettings budget,
    CaptionSettings captions,
    EmbeddingCacheSpec embeddingCache,
    TaskPolicy tasks,
    TestingHooks testing,
    Map<String, String> redactedSettings) {

  private static final String[] SECRET_WORDS = {
    "secret", "password", "token", "key", "credential", "auth"
  };

  public RenderConfig {
    redactedSettings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(redactedSettings));
    if (budget.limited() && run.dryRun()) {
      throw new IllegalArgumentException(
          "--dry-run and --budget-eur do not combine: a dry run spends nothing");
    }
  }

  /** {@link #parse(Map, SparkConf)} without a Spark conf: Redis only from the settings. */
  /** These settings with {@code model} in place of the model settings. */
  public RenderConfig withModel(ModelSettings model) {
    return new RenderConfig(
        catalog,
        model,
        images,
        run,
        budget,
        captions,
        embeddingCache,
        tasks,
        testing,
        redactedSettings);
  }

  public static RenderConfig parse(Map<String, String> raw) {
    return parse(raw, null);
  }

  /**
   * Parses and validates; every error names the key, the bad value and what is accepted. {@code
   * spark} supplies {@code spark.redis.*} for the embedding cache (may be null).
   */
  public static RenderConfig parse(Map<String, String> raw, SparkConf spark) {
    Map<String, String> normalised = new TreeMap<>();
    raw.forEach((k, v) -> normalised.put(k.trim().toLowerCase(Locale.ROOT).replace('-', '_'), v));
    SettingsMap s = new SettingsMap(normalised);
    ImageSettings images = ImageSettings.parse(s);
    CaptionSettings captions = CaptionSettings.parse(s);
    RunSettings run =
        RunSettings.parse(
            s,
            spark == null
                ? new org.apache.hadoop.conf.Configuration()
                : org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(spark));
    RenderConfig config =
        new RenderConfig(
            CatalogSelection.parse(s),
            ModelSettings.parse(s),
            images,
            run,
            BudgetSettings.parse(s),
            captions,
            EmbeddingCacheSpec.parse(s, spark),
            TaskPolicy.parse(s),
            TestingHooks.parse(s),
            redact(s));
    // every parser has asked for its keys: one nobody asked for is unknown (a typo, most often)
    for (String key : s.unasked()) {
      if (!key.startsWith("spark.") && !key.startsWith(GatewaySettings.PREFIX)) {
        throw new IllegalArgumentException(
            "Unknown render setting '" + key + "'; known settings: " + s.asked());
      }
    }
    // an unknown rate stops the run here, before anything is opened
    run.rates().validateFor(Rates.storeOf(images.root()), List.of(captions.pricedModel()));
    return config;
  }

  /** The settings with every value whose key looks secret replaced by "***". */
  private static Map<String, String> redact(Map<String, String> settings) {
    Map<String, String> out = new LinkedHashMap<>();
    new TreeMap<>(settings)
        .forEach(
            (k, v) -> {
              String lower = k.toLowerCase(Locale.ROOT);
              boolean secret = false;
              for (String word : SECRET_WORDS) {
                secret |= lower.contains(word);
              }
              out.put(k, secret ? "***" : v);
            });
    return out;
  }
}
