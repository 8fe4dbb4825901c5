package com.catalogrender.cost;

import java.util.HashMap;
import java.util.Map;

/** The rates the unit tests price with (a CPU core, an H100, the driver, gpt-4o-mini, S3). */
public final class TestRates {
  private TestRates() {}

  public static Rates of() {
    Map<String, String> m = new HashMap<>();
    m.put("device.cpu_core.eur_per_hour", "0.036");
    m.put("device.h100_sxm.eur_per_hour", "3.6");
    m.put("device.driver.eur_per_hour", "0.18");
    m.put("run.cpu_device_class", "cpu_core");
    m.put("run.gpu_device_class", "h100_sxm");
    m.put("run.cpu_cores_per_task", "2");
    m.put("llm.gpt-4o-mini.eur_per_million_input", "0.1");
    m.put("llm.gpt-4o-mini.eur_per_million_output", "0.5");
    m.put("store.s3.eur_per_thousand_put", "5");
    m.put("store.s3.eur_per_thousand_get", "0.4");
    m.put("store.s3.eur_per_gb_written", "20");
    return Rates.parse(m);
  }
}
