package com.catalogrender.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredSettingsTest {
  @TempDir Path temp;

  @Test
  void flagsBeatTheSettingsFileWhichBeatsSparkConfsWhichBeatTheDefaults() throws Exception {
    Path file = temp.resolve("render.properties");
    Files.writeString(file, "steps=12\nbatch_size=2\n");
    SparkConf spark =
        new SparkConf(false)
            .set("spark.catalogrender.steps", "30")
            .set("spark.catalogrender.guidance", "6.5")
            .set("spark.catalogrender.batch_size", "3")
            .set("spark.executor.cores", "2");
    Map<String, String> settings =
        LayeredSettings.merge(
            Map.of("warehouse", "out/w", "image_format", "jpeg"),
            spark,
            "file:" + file,
            new Configuration(),
            Map.of("batch_size", "5"));
    assertEquals("5", settings.get("batch_size"), "flag over file and conf");
    assertEquals("12", settings.get("steps"), "file over conf");
    assertEquals("6.5", settings.get("guidance"), "conf over the packaged default (auto)");
    assertEquals("png", settings.get("image_format"), "packaged default over command default");
    assertEquals("out/w", settings.get("warehouse"), "command default where nothing else says");
    assertFalse(settings.containsKey("executor.cores"), "only spark.catalogrender.* are settings");
  }

  @Test
  void theBuiltInDefaultsComeFromTheJarNotTheWorkingDirectory() {
    assertEquals("png", LayeredSettings.builtIn().get("image_format"));
    assertTrue(new String(SettingsFiles.packaged("rates.properties")).contains("eur"));
  }

  @Test
  void aMissingSettingsFileIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LayeredSettings.merge(
                    Map.of(), null, temp.resolve("nope.properties").toString(), null, Map.of()));
    assertTrue(e.getMessage().startsWith("Settings file "), e.getMessage());
    assertTrue(e.getMessage().contains("nope.properties does not exist"), e.getMessage());
  }
}
