package com.catalogrender.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.render.RenderConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RenderCommandTest {
  /** The shipped rates (tests run in the module's directory). */
  private static final String RATES =
      Path.of("..", "conf", "rates.properties").toAbsolutePath().normalize().toString();

  @Test
  void everySettingFlagIsARenderConfigKey() {
    Map<String, String> values =
        Map.ofEntries(
            Map.entry("catalog", "/c"),
            Map.entry("warehouse", "/w"),
            Map.entry("database", "shop"),
            Map.entry("images", "/i"),
            Map.entry("where", "category = 'mugs'"),
            Map.entry("limit", "5"),
            Map.entry("model-dir", "m"),
            Map.entry("batch-size", "2"),
            Map.entry("steps", "10"),
            Map.entry("guidance", "3"),
            Map.entry("image-format", "webp"),
            Map.entry("image-quality", "0.8"),
            Map.entry("cpu-variant", "fp32"),
            Map.entry("full-precision-min-side", "1024"),
            Map.entry("partitions", "3"),
            Map.entry("checkpoint-rows", "100"),
            Map.entry("checkpoint-seconds", "90"),
            Map.entry("rates", RATES),
            Map.entry("budget-eur", "1.5"),
            Map.entry("caption-rewriter", "gateway"),
            Map.entry("gateway-url", "http://127.0.0.1:9"),
            Map.entry("gateway-flavor", "litellm"),
            Map.entry("gateway-model", "claude-haiku-4-5"),
            Map.entry("gateway-concurrency", "24"),
            Map.entry("simulate-device-seconds", "0.05"),
            Map.entry("embedding-cache", "off"));
    Map<String, String> settings = new HashMap<>();
    for (RenderSettingOptions.Flag flag : RenderSettingOptions.FLAGS) {
      settings.put(RenderSettingOptions.settingKey(flag.name()), values.get(flag.name()));
    }
    RenderConfig config = RenderConfig.parse(settings);
    assertEquals(1.5, config.budget().eur());
    assertEquals(100, config.run().checkpointRows());
    assertEquals(90, config.run().checkpointSeconds());
    assertEquals("shop", config.run().database());
    assertEquals(RATES, config.run().ratesFile());
    assertEquals("litellm", config.captions().gateway().flavor().label());
    assertEquals("claude-haiku-4-5", config.captions().gateway().model());
    assertEquals(24, config.captions().gateway().concurrency());
    assertEquals(0.05, config.model().simulateDeviceSeconds());
    assertEquals(RenderSettingOptions.FLAGS.size(), values.size());
  }

  @Test
  void onlyTheFlagsGivenAreSettingsTheDefaultsInHelpAreNot() {
    CommandLine cli = Main.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs("render", "--steps", "7", "--gateway-url", "u");
    Map<String, String> given = RenderSettingOptions.given(parsed.subcommand().commandSpec());
    assertEquals(Map.of("steps", "7", "gateway.url", "u"), given);
  }

  @Test
  void badArgumentsExitWithTheUsageCodeBeforeAnySparkSessionStarts() {
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"paint"}));
    assertEquals(ExitCodes.USAGE, Main.run(new String[0]));
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"render", "--stpes", "7"}));
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"render", "--steps", "1"}));
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"render", "--conf", "my.properties"}));
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"sql", "--format", "xml", "select 1"}));
    assertEquals(ExitCodes.USAGE, Main.run(new String[] {"sql-server", "--port", "0"}));
    assertEquals(ExitCodes.SUCCESS, Main.run(new String[] {"render", "--help"}));
    assertTrue(SparkSession.getDefaultSession().isEmpty(), "no SparkSession was started");
  }
}
