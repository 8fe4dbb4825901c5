package com.catalogrender.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageCostsTest {
  static Rates rates() {
    return TestRates.of();
  }

  private static StageValues seconds(double... perStage) {
    Map<Stage, Double> m = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      m.put(stage, perStage[stage.ordinal()]);
    }
    return StageValues.of(m);
  }

  @Test
  void chargesDeviceSecondsTokensRequestsAndBytes() {
    StageCosts.Usage usage =
        new StageCosts.Usage(
            true,
            seconds(0.5, 0.25, 1, 10, 2, 1, 0.5),
            rates().captionEur("gpt-4o-mini", 1_000_000, 100_000, null),
            1,
            1_000_000_000L);
    StageValues c = StageCosts.of(usage, rates(), "s3");
    double cpu = 0.036 / 3600 * 2;
    double gpu = 3.6 / 3600;
    // tokens only: the caption's 0.5 s are driver time, a fixed cost of the run
    assertEquals(0.1 + 0.05, c.get(Stage.CAPTION), 1e-12);
    // the embedding cache's round trips are CPU and network time, not the GPU's
    assertEquals(0.25 * cpu, c.get(Stage.CACHE), 1e-12);
    assertEquals(1 * gpu, c.get(Stage.TEXT_ENCODER), 1e-12);
    assertEquals(10 * gpu, c.get(Stage.UNET), 1e-12);
    assertEquals(2 * gpu, c.get(Stage.VAE), 1e-12);
    assertEquals(1 * cpu, c.get(Stage.POST), 1e-12);
    assertEquals(0.5 * cpu + 0.005 + 20, c.get(Stage.IO), 1e-12);
    assertEquals(
        c.get(Stage.CAPTION)
            + c.get(Stage.CACHE)
            + c.get(Stage.TEXT_ENCODER)
            + c.get(Stage.UNET)
            + c.get(Stage.VAE)
            + c.get(Stage.POST)
            + c.get(Stage.IO),
        c.total(),
        1e-15);
  }

  @Test
  void cpuRowsAreChargedPerCoreAndTheTemplateCaptionIsFree() {
    Map<String, String> m = new HashMap<>(rates().text());
    m.put("llm.template.eur_per_million_input", "0");
    m.put("llm.template.eur_per_million_output", "0");
    StageValues c =
        StageCosts.of(
            new StageCosts.Usage(false, seconds(0, 0, 0, 100, 0, 0, 0), 0, 0, 0),
            Rates.parse(m),
            "s3");
    assertEquals(100 * 0.036 / 3600 * 2, c.get(Stage.UNET), 1e-12);
    assertEquals(0, c.get(Stage.CAPTION));
  }

  @Test
  void unknownClassesAndModelsAreErrorsNotZeros() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> rates().validateFor("s3", List.of("gpt-5")));
    assertTrue(
        e.getMessage().startsWith("No rate 'llm.gpt-5.eur_per_million_input' in the rates file"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rates().deviceEurPerSecond("tpu_v5"));
    Map<String, String> bad = new HashMap<>(rates().text());
    bad.put("device.cpu_core.eur_per_hour", "-1");
    assertEquals(
        "Rate 'device.cpu_core.eur_per_hour' must be a number >= 0, got '-1'",
        assertThrows(IllegalArgumentException.class, () -> Rates.parse(bad)).getMessage());
  }

  @Test
  void theShippedRatesCoverTheDefaultRun() {
    Rates shipped = Rates.load(null, null);
    shipped.validateFor("s3", List.of("template", "gpt-4o-mini", "claude-haiku-4-5"));
    shipped.validateFor("local", List.of("template"));
    assertEquals("s3", Rates.storeOf("s3a://bucket/x"));
    assertEquals("local", Rates.storeOf("/tmp/images"));
  }
}
