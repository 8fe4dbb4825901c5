package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.PipelineSpec;
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
 * @param variants which UNet variant a row uses (a threshold of 0: the model's)
 * @param batchSize rows per UNet batch (0: the model's for the device)
 * @param steps sampler steps, DPM++ 2M needs at least 2 (0: the model's default)
 * @param guidance classifier-free guidance scale (0: the model's default)
 * @param simulateDeviceSeconds 0 for real rendering; otherwise the device seconds each batch is
 *     simulated to take (scale runs: see {@link com.catalogrender.diffusion.SimulatedRenderer})
 */
public record ModelSettings(
    String directory,
    String cacheDirectory,
    VariantPolicy variants,
    int batchSize,
    int steps,
    double guidance,
    double simulateDeviceSeconds)
    implements Serializable {

  /** What {@code auto} parses to: the model decides. */
  public static final int AUTO = 0;

  public ModelSettings {
    if (steps != AUTO && steps < 2) {
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
        new VariantPolicy(cpuVariant, auto(s, "full_precision_min_side", 1, 1 << 20)),
        auto(s, "batch_size", 1, 256),
        auto(s, "steps", 2, 1000),
        "auto".equals(s.getOrDefault("guidance", "auto").trim())
            ? AUTO
            : SettingValues.decimal(s, "guidance", "4.0", 1, 50),
        SettingValues.decimal(s, "simulate_device_seconds", "0", 0, 600));
  }

  private static int auto(Map<String, String> s, String key, int min, int max) {
    String value = s.getOrDefault(key, "auto").trim();
    return "auto".equals(value) ? AUTO : SettingValues.integer(key, value, min, max);
  }

  /**
   * These settings with every {@code auto} decided by the model: its default steps and guidance,
   * the batch its manifest says fits the device ({@code gpu}: cuda, else cpu; 8 when it says none),
   * its full-precision threshold (2048 when it names none). Fails, naming the fix, when the model
   * ships no UNet of the CPU variant asked for.
   */
  public ModelSettings forModel(ModelManifest manifest, boolean gpu) {
    PipelineSpec pipeline = manifest.pipeline();
    if (!gpu && !pipeline.unetVariants().containsKey(cpuVariant().label())) {
      throw new IllegalArgumentException(
          "Model "
              + manifest.modelId()
              + " ships no "
              + cpuVariant().label()
              + " UNet (it has "
              + pipeline.unetVariants().keySet()
              + "); set cpu_variant to one of those");
    }
    return new ModelSettings(
        directory,
        cacheDirectory,
        new VariantPolicy(
            cpuVariant(),
            variants.fullPrecisionMinSide() != AUTO
                ? variants.fullPrecisionMinSide()
                : pipeline.fullPrecisionMinSide()),
        batchSize != AUTO
            ? batchSize
            : pipeline.batchSizes().getOrDefault(gpu ? "cuda" : "cpu", DEFAULT_BATCH_SIZE),
        steps != AUTO ? steps : manifest.defaultSteps(),
        guidance != AUTO ? guidance : manifest.defaultGuidance(),
        simulateDeviceSeconds);
  }

  /** The batch size of a model whose manifest names none. */
  public static final int DEFAULT_BATCH_SIZE = 8;

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

  /** Whether device work is simulated (a scale run). */
  public boolean simulated() {
    return simulateDeviceSeconds > 0;
  }

  public Variant cpuVariant() {
    return variants.cpuVariant();
  }
}
