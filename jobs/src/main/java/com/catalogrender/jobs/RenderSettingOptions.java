package com.catalogrender.jobs;

import com.catalogrender.config.LayeredSettings;
import com.catalogrender.settings.CatalogSelection;
import com.catalogrender.settings.ImageSettings;
import com.catalogrender.settings.RunSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The flags of {@code render} and {@code cache-warmup} that set a render setting of the same name
 * (dashes for underscores; {@code --gateway-url} sets {@code gateway.url}). Their help shows the
 * built-in default: the packaged {@code conf/render.properties}, else the command's own.
 */
final class RenderSettingOptions {
  /** One flag: its name, what its value looks like, what it sets. */
  record Flag(String name, String label, String description) {}

  /** name, value label, description: one flag a line, columns split by two or more spaces. */
  private static final String TABLE =
      """
      catalog                  PATH|TABLE             the catalog: a Delta table path or a table name
      warehouse                DIR|URI                where the renders, runs and audits tables live
      database                 NAME                   also register the tables and views in this Spark catalog database
      images                   DIR|URI                where rendered images are written
      where                    SQL                    render only the catalog rows matching this condition
      limit                    N                      render at most N rows
      model-dir                DIR|URI                the model directory: a path, local:, file:, hdfs:// or s3a:// (fetched once per executor), or the name an --archives model.tgz#NAME unpacks
      batch-size               N                      rows per UNet batch
      steps                    N                      sampler steps
      guidance                 G                      classifier-free guidance scale
      image-format             png|jpeg|webp          the image file format
      image-quality            Q                      jpeg/webp quality in (0, 1]
      cpu-variant              int8|fp32              the UNet variant on CPUs
      full-precision-min-side  PX                     rows at least this wide or high render full precision
      simulate-device-seconds  S                      scale runs: each batch holds the device S seconds and yields flat 8 px images (marked simulated; never history or calibration)
      partitions               N                      render partitions (0: rows / batch size)
      checkpoint-rows          N                      commit results every N rows (a crash loses at most one wave)
      checkpoint-seconds       S                      and about every S seconds of rendering, from the estimate (0: rows alone)
      rates                    FILE|URI               the cost rates (default: the packaged conf/rates.properties)
      budget-eur               EUR                    stop rendering once this much is spent
      caption-rewriter         template|gateway       how prompts become captions
      gateway-url              URL                    the LLM gateway (caption-rewriter=gateway)
      gateway-flavor           NAME                   bifrost, litellm, portkey or openai
      gateway-model            MODEL                  the gateway's model (priced in the rates)
      gateway-concurrency      N                      gateway requests in flight at most
      embedding-cache          auto|redis|memory|off  the text-embedding cache
      """;

  static final List<Flag> FLAGS =
      TABLE
          .lines()
          .map(line -> line.trim().split(" {2,}", 3))
          .map(columns -> new Flag(columns[0], columns[1], columns[2]))
          .toList();

  /** Defaults of the command itself, below the packaged file: where the demo puts things. */
  static final Map<String, String> COMMAND_DEFAULTS =
      Map.of(
          CatalogSelection.CATALOG, DemoPaths.CATALOG,
          RunSettings.WAREHOUSE, DemoPaths.WAREHOUSE,
          ImageSettings.IMAGES, DemoPaths.IMAGES);

  private RenderSettingOptions() {}

  /** Adds the setting flags to {@code spec}, each showing its built-in default. */
  static void addTo(CommandSpec spec) {
    Map<String, String> defaults = new HashMap<>(COMMAND_DEFAULTS);
    defaults.putAll(LayeredSettings.builtIn());
    OptionTable.addTo(
        spec,
        FLAGS.stream()
            .map(
                flag ->
                    new OptionTable.Row(
                        "--" + flag.name(),
                        flag.label(),
                        "text",
                        defaults.getOrDefault(settingKey(flag.name()), "-"),
                        flag.description()))
            .toList());
  }

  /** The settings the user gave as flags (defaults shown in help are not among them). */
  static Map<String, String> given(CommandSpec spec) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    Map<String, String> settings = new LinkedHashMap<>();
    for (Flag flag : FLAGS) {
      if (parsed.hasMatchedOption("--" + flag.name())) {
        settings.put(settingKey(flag.name()), parsed.matchedOptionValue("--" + flag.name(), ""));
      }
    }
    return settings;
  }

  /** {@code gateway-url} sets {@code gateway.url}; other flags their name with underscores. */
  static String settingKey(String option) {
    return option.startsWith("gateway-")
        ? "gateway." + option.substring("gateway-".length()).replace('-', '_')
        : option.replace('-', '_');
  }
}
