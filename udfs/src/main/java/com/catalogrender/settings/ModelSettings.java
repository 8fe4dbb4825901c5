package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.diffusion.VariantPolicy;
import java.io.Serializable;
import java.util.Map;

/**
 * The model a run renders with and how it samples.
 *
 * @param directory the model directory (manifest, TorchScript modules): a local path, or a URI
 *     ({@code s3a://}, {@code hdfs://}, {@code file:}, {@code local:}) fetched once per executor
 * @param cacheDirectory where executors keep fetched models (null: {@code
 *     java.io.tmpdir/catalog-render-models})
 * @param variants which UNet variant a row uses
 * @param batchSize rows per UNet batch
 * @param steps sampler steps (DPM++ 2M needs at least 2)
 * @param guidance classifier-free guidance scale
 */
public record ModelSettings(
    String directory,
    String cacheDirectory,
    VariantPolicy variants,
    int batchSize,
    int steps,
    double guidance)
    implements Serializable {

  public ModelSettings {
    if (steps < 2) {
      throw new IllegalArgumentException(
          "steps must be an integer in [2, 1000], got '" + steps + "'");
    }
  }

  public static ModelSettings parse(Map<String, String> s) {
    Variant cpuVariant = Variant.parse(s.getOrDefault("cpu_variant", "int8"));
    if (cpuVariant == Variant.FP16) {
      throw new IllegalArgumentException(
          "cpu_variant must be int8 or fp32 (fp16 needs a GPU), got fp16");
    }
    return new ModelSettings(
        s.getOrDefault("model_dir", "models/demo"),
        SettingValues.optional(s, "model_cache_dir"),
        new VariantPolicy(
            cpuVariant, SettingValues.integer(s, "full_precision_min_side", "2048", 1, 1 << 20)),
        SettingValues.integer(s, "batch_size", "8", 1, 256),
        SettingValues.integer(s, "steps", "25", 2, 1000),
        SettingValues.decimal(s, "guidance", "4.0", 1, 50));
  }

  /**
   * The model directory as executors receive it: a URI as given; a local path made absolute when it
   * exists here (what the registry keys), else as given (a name {@code --archives} unpacks beside
   * each executor).
   */
  public String location() {
    if (com.catalogrender.config.Locations.scheme(directory) != null) {
      return directory;
    }
    java.nio.file.Path path = java.nio.file.Path.of(directory);
    return path.isAbsolute() || java.nio.file.Files.exists(path)
        ? path.toAbsolutePath().normalize().toString()
        : directory;
  }

  public Variant cpuVariant() {
    return variants.cpuVariant();
  }
}
