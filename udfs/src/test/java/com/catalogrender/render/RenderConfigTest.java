package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.catalogrender.diffusion.DemoModel;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.diffusion.VariantPolicy;
import com.catalogrender.post.ImageFormat;
import com.catalogrender.settings.ModelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderConfigTest {
  private static final Path RATES =
      DemoModel.directory().getParent().getParent().resolve("conf/rates.properties");

  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("catalog", "/data/catalog");
    m.put("warehouse", "/data/wh/");
    m.put("images", "s3a://bucket/images");
    m.put("rates", RATES.toString());
    return m;
  }

  @Test
  void defaults() {
    RenderConfig c = RenderConfig.parse(minimal());
    assertEquals(Variant.INT8, c.model().cpuVariant());
    // auto: the model decides; the demo model's manifest decides the seed's defaults
    assertEquals(ModelSettings.AUTO, c.model().batchSize());
    ModelSettings demo =
        c.model()
            .forModel(
                ModelDirectory.open(com.catalogrender.diffusion.DemoModel.directory()).manifest(),
                false);
    assertEquals(2048, demo.variants().fullPrecisionMinSide());
    assertEquals(8, demo.batchSize());
    assertEquals(25, demo.steps());
    assertEquals(4.0, demo.guidance());
    // a Stable Diffusion export's manifest: its own steps, guidance and the batch for the device
    ModelManifest sd1 =
        ModelDirectory.open(com.catalogrender.diffusion.DemoModel.directory("tiny-sd1")).manifest();
    ModelSettings tiny = c.model().forModel(sd1, false);
    assertEquals(4, tiny.batchSize());
    assertEquals(16, c.model().forModel(sd1, true).batchSize());
    assertEquals(12, tiny.steps());
    assertEquals(7.5, tiny.guidance());
    // what a user sets wins over the model
    Map<String, String> set = minimal();
    set.put("batch_size", "3");
    set.put("guidance", "2.5");
    ModelSettings chosen = RenderConfig.parse(set).model().forModel(sd1, true);
    assertEquals(3, chosen.batchSize());
    assertEquals(2.5, chosen.guidance());
    assertEquals(12, chosen.steps());
    assertEquals(4096, c.images().maxSide());
    assertEquals(ImageFormat.PNG, c.images().format());
    assertEquals(0, c.run().partitions());
    assertNull(c.catalog().where());
    assertNull(c.catalog().limit());
    assertEquals(false, c.catalog().rerenderAll());
    assertEquals("/data/wh/renders", c.run().warehouse().renders());
    assertEquals("/data/wh/runs", c.run().warehouse().runs());
  }

  @Test
  void everyExplicitMapping(@TempDir Path dir) throws IOException {
    Path rates = Files.copy(RATES, dir.resolve("rates.properties"));
    Map<String, String> m = minimal();
    m.put("where", "category = 'mugs'");
    m.put("limit", "10");
    m.put("rerender-all", "true");
    m.put("cpu_variant", "fp32");
    m.put("full_precision_min_side", "1024");
    m.put("batch_size", "4");
    m.put("steps", "10");
    m.put("guidance", "5.5");
    m.put("image_format", "webp");
    m.put("image_quality", "0.8");
    m.put("partitions", "3");
    m.put("rates", rates.toString());
    m.put("budget_eur", "2.5");
    m.put("testing_fail_first_attempt_after_rows", "2");
    m.put("testing_fixed_clock_step_seconds", "0.5");
    RenderConfig c = RenderConfig.parse(m);
    assertEquals(rates.toString(), c.run().ratesFile());
    assertEquals(2.5, c.budget().eur());
    assertEquals(2, c.testing().failFirstAttemptAfterRows());
    assertEquals(0.5, c.testing().fixedClockStepSeconds());
    assertEquals("category = 'mugs'", c.catalog().where());
    assertEquals(10, c.catalog().limit());
    assertEquals(true, c.catalog().rerenderAll());
    assertEquals(Variant.FP32, c.model().cpuVariant());
    assertEquals(1024, c.model().variants().fullPrecisionMinSide());
    assertEquals(4, c.model().batchSize());
    assertEquals(10, c.model().steps());
    assertEquals(5.5, c.model().guidance());
    assertEquals(ImageFormat.WEBP, c.images().format());
    assertEquals(0.8, c.images().quality());
    assertEquals(3, c.run().partitions());
  }

  @Test
  void errorsNameTheKeyAndTheValue() {
    Map<String, String> m = minimal();
    m.put("batch_size", "0");
    assertEquals(
        "batch_size must be an integer in [1, 256], got '0'",
        assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(m)).getMessage());
    Map<String, String> typo = minimal();
    typo.put("bach_size", "4");
    assertEquals(
        true,
        assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(typo))
            .getMessage()
            .startsWith("Unknown render setting 'bach_size'"));
    Map<String, String> missing = minimal();
    missing.remove("images");
    assertEquals(
        "Render setting 'images' is required (--images)",
        assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(missing))
            .getMessage());
    Map<String, String> gpuOnly = minimal();
    gpuOnly.put("cpu_variant", "fp16");
    assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(gpuOnly));
  }

  @Test
  void dryRunAndBudgetClashAtParseTime() {
    Map<String, String> m = minimal();
    m.put("budget_eur", "2.5");
    m.put("dry_run", "true");
    assertEquals("--dry-run and --budget-eur do not combine: a dry run spends nothing", errorOf(m));
    Map<String, String> noRates = minimal();
    noRates.put("rates", "/nonexistent/rates.properties");
    assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(noRates));
  }

  private static String errorOf(Map<String, String> settings) {
    return assertThrows(IllegalArgumentException.class, () -> RenderConfig.parse(settings))
        .getMessage();
  }

  @Test
  void redactsSecrets() {
    Map<String, String> m = minimal();
    m.put("gateway.api_key", "sk-live-123");
    m.put("spark.hadoop.fs.s3a.secret.key", "abc");
    Map<String, String> redacted = RenderConfig.parse(m).redactedSettings();
    assertEquals("***", redacted.get("gateway.api_key"));
    assertEquals("***", redacted.get("spark.hadoop.fs.s3a.secret.key"));
    assertEquals("/data/catalog", redacted.get("catalog"));
  }

  @Test
  void variantPolicyTakesFullPrecisionForLargeRendersAndFp16OnGpus() {
    VariantPolicy policy = new VariantPolicy(Variant.INT8, 2048);
    assertEquals(Variant.INT8, policy.choose(512L, 512L, false));
    assertEquals(Variant.FP32, policy.choose(2048L, 512L, false));
    assertEquals(Variant.FP16, policy.choose(512L, 512L, true));
    assertEquals(Variant.FP16, policy.choose(4096L, 4096L, true));
  }
}
