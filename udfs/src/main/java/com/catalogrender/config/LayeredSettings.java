package com.catalogrender.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The render settings from every place a user may put them. Precedence, highest first: command-line
 * flags, the settings file ({@code --settings URI}), Spark confs {@code spark.catalogrender.<key>}
 * (so {@code spark-defaults.conf} and {@code --properties-file} carry them), the built-in defaults
 * (the packaged {@code conf/render.properties}, then the command's own).
 */
public final class LayeredSettings {
  /** The prefix of a render setting given as a Spark conf. */
  public static final String SPARK_PREFIX = "spark.catalogrender.";

  private static final String PACKAGED_FILE = "render.properties";

  private LayeredSettings() {}

  /** The packaged {@code conf/render.properties}: the built-in defaults. */
  public static Map<String, String> builtIn() {
    return SettingsFiles.properties(
        SettingsFiles.packaged(PACKAGED_FILE), "the packaged conf/" + PACKAGED_FILE);
  }

  /**
   * @param commandDefaults the command's own defaults (below the packaged file)
   * @param spark Spark's conf as spark-submit set it (may be null)
   * @param settingsFile a properties file's location, or null
   * @param flags the settings given on the command line
   */
  public static Map<String, String> merge(
      Map<String, String> commandDefaults,
      SparkConf spark,
      String settingsFile,
      Configuration hadoop,
      Map<String, String> flags) {
    Map<String, String> settings = new HashMap<>(commandDefaults);
    settings.putAll(builtIn());
    if (spark != null) {
      for (Tuple2<String, String> entry : spark.getAllWithPrefix(SPARK_PREFIX)) {
        settings.put(entry._1(), entry._2());
      }
    }
    if (settingsFile != null) {
      settings.putAll(
          SettingsFiles.properties(
              SettingsFiles.read(settingsFile, hadoop, "Settings file"), settingsFile));
    }
    settings.putAll(flags);
    return settings;
  }
}
