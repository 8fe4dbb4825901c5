package com.catalogrender.render;

import com.catalogrender.diffusion.Variant;
import com.catalogrender.post.ImageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The render job's settings, parsed once on the driver and validated. Keys are constants beside
 * their defaults. Precedence, highest first: command-line flags, the {@code --conf} properties
 * file, {@code conf/render.properties}, the defaults here.
 */
public record RenderConfig(
    String catalog,
    String warehouse,
    String images,
    String where,
    Integer limit,
    boolean rerenderAll,
    String modelDirectory,
    Variant cpuVariant,
    int fullPrecisionMinSide,
    int batchSize,
    int steps,
    double guidance,
    int maxSide,
    ImageFormat format,
    double quality,
    double sharpen,
    int partitions,
    int contactSheetSize,
    int failFirstAttemptAfterRows,
    String ratesFile,
    double fixedClockStepSeconds,
    double budgetEur,
    boolean dryRun,
    com.catalogrender.caption.CaptionSettings captions,
    TaskPolicy tasks,
    Map<String, String> settings) {

  public static final String CATALOG = "catalog";
  public static final String WAREHOUSE = "warehouse";
  public static final String IMAGES = "images";
  public static final String WHERE = "where";
  public static final String LIMIT = "limit";
  public static final String RERENDER_ALL = "rerender_all";
  public static final String MODEL_DIR = "model_dir";
  public static final String MODEL_DIR_DEFAULT = "models/demo";
  public static final String CPU_VARIANT = "cpu_variant";
  public static final String CPU_VARIANT_DEFAULT = "int8";
  public static final String FULL_PRECISION_MIN_SIDE = "full_precision_min_side";
  public static final int FULL_PRECISION_MIN_SIDE_DEFAULT = 2048;
  public static final String BATCH_SIZE = "batch_size";
  public static final int BATCH_SIZE_DEFAULT = 8;
  public static final String STEPS = "steps";
  public static final int STEPS_DEFAULT = 25;
  public static final String GUIDANCE = "guidance";
  public static final double GUIDANCE_DEFAULT = 4.0;
  public static final String MAX_SIDE = "max_side";
  public static final int MAX_SIDE_DEFAULT = 4096;
  public static final String IMAGE_FORMAT = "image_format";
  public static final String IMAGE_FORMAT_DEFAULT = "png";
  public static final String IMAGE_QUALITY = "image_quality";
  public static final double IMAGE_QUALITY_DEFAULT = 0.9;
  public static final String SHARPEN = "sharpen";
  public static final double SHARPEN_DEFAULT = 0.35;
  public static final String PARTITIONS = "partitions";
  public static final String CONTACT_SHEET_SIZE = "contact_sheet_size";
  public static final int CONTACT_SHEET_SIZE_DEFAULT = 24;

  /** Stop starting batches once this much was spent (0 = no budget). */
  public static final String BUDGET_EUR = "budget_eur";

  /** Estimate rows, cost and time, render nothing. */
  public static final String DRY_RUN = "dry_run";

  /** At most this many tasks of an executor on one GPU at a time (0 = no bound). */
  public static final String DEVICE_CONCURRENT_TASKS = "device_concurrent_tasks";

  /** Batches queued for post-processing and upload while the next renders (0 = inline). */
  public static final String POST_QUEUE_BATCHES = "post_queue_batches";

  /** Run GPU-scheduled tasks on the CPU, keyed by GPU address (machines without CUDA). */
  public static final String GPU_ADDRESSES_ON_CPU = "gpu_addresses_on_cpu";

  public static final String RATES = "rates";
  public static final String RATES_DEFAULT = "conf/rates.properties";

  /**
   * Testing only: measure stages with a clock that advances this much per reading (0 = real clock).
   */
  public static final String TESTING_FIXED_CLOCK_STEP_SECONDS = "testing_fixed_clock_step_seconds";

  /** Testing only: fail the first attempt of partition 0 after this many images (0 = never). */
  public static final String TESTING_FAIL_FIRST_ATTEMPT_AFTER_ROWS =
      "testing_fail_first_attempt_after_rows";

  private static final Set<String> KNOWN =
      Set.of(
          CATALOG,
          WAREHOUSE,
          IMAGES,
          WHERE,
          LIMIT,
          RERENDER_ALL,
          MODEL_DIR,
          CPU_VARIANT,
          FULL_PRECISION_MIN_SIDE,
          BATCH_SIZE,
          STEPS,
          GUIDANCE,
          MAX_SIDE,
          IMAGE_FORMAT,
          IMAGE_QUALITY,
          SHARPEN,
          PARTITIONS,
          CONTACT_SHEET_SIZE,
          BUDGET_EUR,
          DRY_RUN,
          RATES,
          TESTING_FAIL_FIRST_ATTEMPT_AFTER_ROWS,
          TESTING_FIXED_CLOCK_STEP_SECONDS,
          GPU_ADDRESSES_ON_CPU,
          DEVICE_CONCURRENT_TASKS,
          POST_QUEUE_BATCHES,
          com.catalogrender.caption.CaptionSettings.REWRITER,
          com.catalogrender.caption.CaptionSettings.DEDUPE);
  private static final String[] SECRET_WORDS = {
    "secret", "password", "token", "key", "credential", "auth"
  };

  public RenderConfig {
    settings = Map.copyOf(settings);
  }

  /** Parses and validates; every error names the key, the bad value and what is accepted. */
  public static RenderConfig parse(Map<String, String> raw) {
    Map<String, String> s = new TreeMap<>();
    raw.forEach((k, v) -> s.put(k.trim().toLowerCase(Locale.ROOT).replace('-', '_'), v));
    for (String key : s.keySet()) {
      if (!KNOWN.contains(key)
          && !com.catalogrender.embedding.EmbeddingCacheSpec.KEYS.contains(key)
          && !key.startsWith("spark.")
          && !key.startsWith(com.catalogrender.caption.GatewaySettings.PREFIX)) {
        throw new IllegalArgumentException(
            "Unknown render setting '"
                + key
                + "'; known settings: "
                + new TreeMap<>(toMap(KNOWN)).keySet());
      }
    }
    Variant cpuVariant = Variant.parse(s.getOrDefault(CPU_VARIANT, CPU_VARIANT_DEFAULT));
    if (cpuVariant == Variant.FP16) {
      throw new IllegalArgumentException(
          CPU_VARIANT + " must be int8 or fp32 (fp16 needs a GPU), got fp16");
    }
    String limitText = s.get(LIMIT);
    Integer limit =
        limitText == null || limitText.isBlank()
            ? null
            : positive(LIMIT, limitText, Integer.MAX_VALUE);
    int maxSide = positive(MAX_SIDE, s.getOrDefault(MAX_SIDE, "" + MAX_SIDE_DEFAULT), 16384);
    return new RenderConfig(
        required(s, CATALOG),
        required(s, WAREHOUSE),
        required(s, IMAGES),
        blankToNull(s.get(WHERE)),
        limit,
        bool(RERENDER_ALL, s.getOrDefault(RERENDER_ALL, "false")),
        s.getOrDefault(MODEL_DIR, MODEL_DIR_DEFAULT),
        cpuVariant,
        positive(
            FULL_PRECISION_MIN_SIDE,
            s.getOrDefault(FULL_PRECISION_MIN_SIDE, "" + FULL_PRECISION_MIN_SIDE_DEFAULT),
            1 << 20),
        positive(BATCH_SIZE, s.getOrDefault(BATCH_SIZE, "" + BATCH_SIZE_DEFAULT), 256),
        steps(s.getOrDefault(STEPS, "" + STEPS_DEFAULT)),
        decimal(GUIDANCE, s.getOrDefault(GUIDANCE, "" + GUIDANCE_DEFAULT), 1, 50),
        maxSide,
        ImageFormat.parse(s.getOrDefault(IMAGE_FORMAT, IMAGE_FORMAT_DEFAULT)),
        decimal(IMAGE_QUALITY, s.getOrDefault(IMAGE_QUALITY, "" + IMAGE_QUALITY_DEFAULT), 0.01, 1),
        decimal(SHARPEN, s.getOrDefault(SHARPEN, "" + SHARPEN_DEFAULT), 0, 2),
        nonNegative(PARTITIONS, s.getOrDefault(PARTITIONS, "0")),
        nonNegative(
            CONTACT_SHEET_SIZE,
            s.getOrDefault(CONTACT_SHEET_SIZE, "" + CONTACT_SHEET_SIZE_DEFAULT)),
        nonNegative(
            TESTING_FAIL_FIRST_ATTEMPT_AFTER_ROWS,
            s.getOrDefault(TESTING_FAIL_FIRST_ATTEMPT_AFTER_ROWS, "0")),
        s.getOrDefault(RATES, RATES_DEFAULT),
        decimal(
            TESTING_FIXED_CLOCK_STEP_SECONDS,
            s.getOrDefault(TESTING_FIXED_CLOCK_STEP_SECONDS, "0"),
            0,
            3600),
        decimal(BUDGET_EUR, s.getOrDefault(BUDGET_EUR, "0"), 0, 1e9),
        bool(DRY_RUN, s.getOrDefault(DRY_RUN, "false")),
        com.catalogrender.caption.CaptionSettings.parse(s),
        new TaskPolicy(
            bool(GPU_ADDRESSES_ON_CPU, s.getOrDefault(GPU_ADDRESSES_ON_CPU, "false")),
            nonNegative(DEVICE_CONCURRENT_TASKS, s.getOrDefault(DEVICE_CONCURRENT_TASKS, "1")),
            nonNegative(POST_QUEUE_BATCHES, s.getOrDefault(POST_QUEUE_BATCHES, "2"))),
        s);
  }

  /** The settings with every value whose key looks secret replaced by "***", for the runs table. */
  public Map<String, String> redactedSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    new TreeMap<>(settings)
        .forEach(
            (k, v) -> {
              String lower = k.toLowerCase(Locale.ROOT);
              boolean secret = false;
              for (String word : SECRET_WORDS) {
                secret |= lower.contains(word);
              }
              out.put(k, secret ? "***" : v);
            });
    return out;
  }

  public com.catalogrender.runtime.Ticker ticker() {
    return fixedClockStepSeconds > 0
        ? com.catalogrender.runtime.Ticker.fixedStep(fixedClockStepSeconds)
        : com.catalogrender.runtime.Ticker.system();
  }

  public String rendersPath() {
    return trimSlash(warehouse) + "/renders";
  }

  public String runsPath() {
    return trimSlash(warehouse) + "/runs";
  }

  private static String trimSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static Map<String, String> toMap(Set<String> keys) {
    Map<String, String> out = new TreeMap<>();
    keys.forEach(k -> out.put(k, ""));
    return out;
  }

  private static String required(Map<String, String> s, String key) {
    String value = s.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "Render setting '" + key + "' is required (--" + key.replace('_', '-') + ")");
    }
    return value.trim();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static boolean bool(String key, String value) {
    return com.catalogrender.config.SettingValues.bool(key, value);
  }

  private static int positive(String key, String value, int max) {
    return com.catalogrender.config.SettingValues.integer(key, value, 1, max);
  }

  /** DPM++ 2M needs at least two steps; checked here so no batch of a run fails on it. */
  private static int steps(String value) {
    int steps = positive(STEPS, value, 1000);
    if (steps < 2) {
      throw new IllegalArgumentException(
          STEPS + " must be an integer in [2, 1000], got '" + value + "'");
    }
    return steps;
  }

  private static int nonNegative(String key, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(key + " must be an integer >= 0, got '" + value + "'");
  }

  private static double decimal(String key, String value, double min, double max) {
    return com.catalogrender.config.SettingValues.decimal(key, value, min, max);
  }
}
