package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.catalogrender.diffusion.Variant;
import com.catalogrender.post.ImageFormat;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderConfigTest {
  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("catalog", "/data/catalog");
    m.put("warehouse", "/data/wh/");
    m.put("images", "s3a://bucket/images");
    return m;
  }

  @Test
  void defaults() {
    RenderConfig c = RenderConfig.parse(minimal());
    assertEquals(Variant.INT8, c.cpuVariant());
    assertEquals(2048, c.fullPrecisionMinSide());
    assertEquals(8, c.batchSize());
    assertEquals(25, c.steps());
    assertEquals(4.0, c.guidance());
    assertEquals(4096, c.maxSide());
    assertEquals(ImageFormat.PNG, c.format());
    assertEquals(0, c.partitions());
    assertNull(c.where());
    assertNull(c.limit());
    assertEquals(false, c.rerenderAll());
    assertEquals("/data/wh/renders", c.rendersPath());
    assertEquals("/data/wh/runs", c.runsPath());
  }

  @Test
  void everyExplicitMapping() {
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
    m.put("rates", "/etc/rates.properties");
    m.put("budget_eur", "2.5");
    m.put("dry_run", "true");
    m.put("testing_fail_first_attempt_after_rows", "2");
    m.put("testing_fixed_clock_step_seconds", "0.5");
    RenderConfig c = RenderConfig.parse(m);
    assertEquals("/etc/rates.properties", c.ratesFile());
    assertEquals(2.5, c.budgetEur());
    assertEquals(true, c.dryRun());
    assertEquals(2, c.failFirstAttemptAfterRows());
    assertEquals(0.5, c.fixedClockStepSeconds());
    assertEquals("category = 'mugs'", c.where());
    assertEquals(10, c.limit());
    assertEquals(true, c.rerenderAll());
    assertEquals(Variant.FP32, c.cpuVariant());
    assertEquals(1024, c.fullPrecisionMinSide());
    assertEquals(4, c.batchSize());
    assertEquals(10, c.steps());
    assertEquals(5.5, c.guidance());
    assertEquals(ImageFormat.WEBP, c.format());
    assertEquals(0.8, c.quality());
    assertEquals(3, c.partitions());
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
    RenderSpec.VariantPolicy policy = new RenderSpec.VariantPolicy(Variant.INT8, 2048);
    assertEquals(Variant.INT8, policy.choose(512, 512, false));
    assertEquals(Variant.FP32, policy.choose(2048, 512, false));
    assertEquals(Variant.FP16, policy.choose(512, 512, true));
    assertEquals(Variant.FP16, policy.choose(4096, 4096, true));
  }
}
