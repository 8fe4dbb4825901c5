package com.catalogrender.cost;

import com.catalogrender.config.SettingsFiles;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Cost rates in EUR, parsed once on the driver from {@code conf/rates.properties} and shipped to
 * executors. Lookups of an unknown device class, LLM model or store fail with the name and the
 * known ones; {@link #validateFor} checks a run's classes before anything renders.
 *
 * @param values every {@code key=value} of the rates file, numbers parsed
 * @param text the rates as written, copied into the {@code runs} table
 */
public record Rates(Map<String, Double> values, Map<String, String> text) implements Serializable {
  /** The built-in rates: {@code conf/rates.properties}, packaged in the jar. */
  public static final String PACKAGED_FILE = "rates.properties";

  private static final String RUN_PREFIX = "run.";

  /** The device class the driver is charged at. */
  public static final String DRIVER_CLASS = "driver";

  public Rates {
    values = Map.copyOf(values);
    text = Map.copyOf(text);
  }

  /**
   * The rates at {@code location} (a path or a Hadoop URI), or the packaged {@code
   * conf/rates.properties} when it is null.
   */
  public static Rates load(String location, Configuration hadoop) {
    byte[] text =
        location == null
            ? SettingsFiles.packaged(PACKAGED_FILE)
            : SettingsFiles.read(location, hadoop, "Rates file");
    return parse(
        SettingsFiles.properties(
            text, location == null ? "the packaged conf/" + PACKAGED_FILE : location));
  }

  public static Rates parse(Map<String, String> text) {
    Map<String, Double> values = new TreeMap<>();
    for (Map.Entry<String, String> e : text.entrySet()) {
      if (e.getKey().startsWith(RUN_PREFIX) && e.getKey().endsWith("_class")) {
        continue;
      }
      try {
        double value = Double.parseDouble(e.getValue());
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
          throw new NumberFormatException();
        }
        values.put(e.getKey(), value);
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            "Rate '" + e.getKey() + "' must be a number >= 0, got '" + e.getValue() + "'");
      }
    }
    return new Rates(values, text);
  }

  public String cpuDeviceClass() {
    return setting("run.cpu_device_class");
  }

  public String gpuDeviceClass() {
    return setting("run.gpu_device_class");
  }

  public double cpuCoresPerTask() {
    return value("run.cpu_cores_per_task", "set it to the torch threads per task");
  }

  /** EUR per second of one device of the class (a CPU class is per core). */
  public double deviceEurPerSecond(String deviceClass) {
    return value(
            "device." + deviceClass + ".eur_per_hour",
            "add device." + deviceClass + ".eur_per_hour")
        / 3600.0;
  }

  /**
   * EUR per second of one task: its GPU, or its CPU cores ({@code run.cpu_cores_per_task} at the
   * CPU class's per-core rate).
   */
  public double taskEurPerSecond(boolean gpu) {
    return gpu
        ? deviceEurPerSecond(gpuDeviceClass())
        : deviceEurPerSecond(cpuDeviceClass()) * cpuCoresPerTask();
  }

  /** EUR per second of the driver: the {@code driver} device class (the whole driver machine). */
  public double driverEurPerSecond() {
    return deviceEurPerSecond(DRIVER_CLASS);
  }

  public double llmEurPerToken(String model, boolean output) {
    String key = "llm." + model + (output ? ".eur_per_million_output" : ".eur_per_million_input");
    return value(key, "add " + key + " to the rates file") / 1_000_000.0;
  }

  /**
   * What one caption call cost, in EUR: its tokens at the price of the model that answered (matched
   * exactly, without a {@code provider/} prefix, or by the longest priced name it starts with, so
   * {@code openai/gpt-4o-mini-2024-07-18} is priced as {@code gpt-4o-mini}); when that model has no
   * price, the cost the gateway reported (USD, at {@code currency.eur_per_usd}); else null, so the
   * caller can price it at the configured model and say so.
   */
  public Double captionEur(
      String answeredModel, long tokensIn, long tokensOut, Double reportedUsd) {
    if (tokensIn == 0 && tokensOut == 0 && (reportedUsd == null || reportedUsd == 0)) {
      return 0.0;
    }
    String priced = pricedModel(answeredModel);
    if (priced != null && (tokensIn > 0 || tokensOut > 0)) {
      return tokensIn * llmEurPerToken(priced, false) + tokensOut * llmEurPerToken(priced, true);
    }
    if (reportedUsd != null && values.containsKey("currency.eur_per_usd")) {
      return reportedUsd * values.get("currency.eur_per_usd");
    }
    return null;
  }

  private String pricedModel(String model) {
    if (model == null) {
      return null;
    }
    String name = model.trim();
    if (values.containsKey("llm." + name + ".eur_per_million_input")) {
      return name;
    }
    String bare = name.substring(name.lastIndexOf('/') + 1);
    String best = null;
    for (String key : values.keySet()) {
      if (key.startsWith("llm.") && key.endsWith(".eur_per_million_input")) {
        String known = key.substring(4, key.length() - ".eur_per_million_input".length());
        if (bare.startsWith(known) && (best == null || known.length() > best.length())) {
          best = known;
        }
      }
    }
    return best;
  }

  public double storeEurPerPut(String store) {
    return value("store." + store + ".eur_per_thousand_put", "add the store's rates") / 1000.0;
  }

  public double storeEurPerGet(String store) {
    return value("store." + store + ".eur_per_thousand_get", "add the store's rates") / 1000.0;
  }

  public double storeEurPerByte(String store) {
    return value("store." + store + ".eur_per_gb_written", "add the store's rates") / 1e9;
  }

  /** Fails unless every class this run will use has a rate. */
  public void validateFor(String store, Iterable<String> llmModels) {
    deviceEurPerSecond(cpuDeviceClass());
    deviceEurPerSecond(gpuDeviceClass());
    driverEurPerSecond();
    cpuCoresPerTask();
    storeEurPerPut(store);
    storeEurPerByte(store);
    storeEurPerGet(store);
    for (String model : llmModels) {
      llmEurPerToken(model, false);
      llmEurPerToken(model, true);
    }
  }

  /** The object store class of an image root: s3 for s3/s3a/s3n, else local. */
  public static String storeOf(String imageRoot) {
    String lower = imageRoot.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("s3") ? "s3" : "local";
  }

  private String setting(String key) {
    String value = text.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Rates file has no '" + key + "'");
    }
    return value;
  }

  private double value(String key, String fix) {
    Double value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "No rate '" + key + "' in the rates file; " + fix + ". Known rates: " + values.keySet());
    }
    return value;
  }
}
