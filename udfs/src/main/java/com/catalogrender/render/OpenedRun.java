package com.catalogrender.render;

import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.GatewayCaptionRewriter;
import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.catalog.CatalogSource;
import com.catalogrender.catalog.InputHash;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.post.ImageFormat;
import com.catalogrender.post.ImageResizer;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.task.Fingerprint;
import com.catalogrender.task.RenderSpec;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The open phase's result: the catalog (schema checked), the verified model manifest (no model is
 * loaded on the driver), whether rows are planned for GPUs, and the executors' spec.
 *
 * @param gpu the run is scheduled on GPUs (with gpu_addresses_on_cpu the addresses Spark hands out
 *     run on the CPU, so CPU variants are planned)
 */
record OpenedRun(
    String runId,
    Timestamp started,
    long startNanos,
    Dataset<Row> catalog,
    ModelManifest manifest,
    boolean gpu,
    RenderSpec spec) {

  /** This run with another executors' spec. */
  OpenedRun withSpec(RenderSpec other) {
    return new OpenedRun(runId, started, startNanos, catalog, manifest, gpu, other);
  }

  static OpenedRun open(SparkSession spark, RenderConfig config, String runId, JobLabels labels) {
    Timestamp started = new Timestamp(System.currentTimeMillis());
    long startNanos = System.nanoTime();
    labels.phase("open catalog");
    Dataset<Row> catalog = CatalogSource.open(spark, config.catalog().catalog());
    String model = config.model().location();
    ModelManifest manifest = ModelCache.manifest(model, spark.sparkContext().hadoopConfiguration());
    if (config.model().simulated()) {
      manifest = manifest.simulated(config.model().simulateDeviceSeconds());
    }
    boolean gpu = gpuScheduled(spark) && !config.tasks().gpuAddressesOnCpu();
    RenderSpec spec =
        new RenderSpec(
            runId,
            new RenderSpec.ModelSpec(
                model,
                config.model().cacheDirectory(),
                manifest.modelId(),
                manifest.version(),
                config.model().batchSize(),
                config.model().steps(),
                config.model().guidance(),
                config.model().simulateDeviceSeconds()),
            config.images(),
            fingerprint(config, manifest),
            config.run().rates(),
            config.testing().ticker(),
            null,
            config.embeddingCache(),
            config.tasks(),
            config.testing(),
            false);
    return new OpenedRun(runId, started, startNanos, catalog, manifest, gpu, spec);
  }

  /**
   * The run's part of every row's fingerprint: the model's id, version and file hashes, sampler,
   * steps, guidance, the caption rewriter with its model and prompt-template version, image format
   * and quality (not for PNG), resize method; and what decides a row's sharpening.
   */
  static Fingerprint fingerprint(RenderConfig config, ModelManifest manifest) {
    Map<String, String> run = new TreeMap<>();
    run.put("model_id", manifest.modelId());
    run.put("model_version", manifest.version());
    run.put("model_files", InputHash.of(manifest.files()));
    run.put("sampler", Fingerprint.SAMPLER);
    run.put("steps", Integer.toString(config.model().steps()));
    run.put("guidance", Double.toString(config.model().guidance()));
    CaptionSettings captions = config.captions();
    run.put("caption_rewriter", captions.rewriter());
    run.put("caption_model", captions.pricedModel());
    run.put(
        "caption_template",
        captions.usesGateway()
            ? GatewayCaptionRewriter.promptVersion()
            : TemplateCaptionRewriter.VERSION);
    if (captions.usesGateway()) {
      run.put("caption_required_words", captions.gateway().requirePromptWords().setting());
    }
    ImageFormat format = config.images().format();
    run.put("image_format", format.extension());
    if (format != ImageFormat.PNG) {
      run.put("image_quality", Double.toString(config.images().quality()));
    }
    run.put("resize", ImageResizer.METHOD);
    return new Fingerprint(run, manifest.imageSize(), config.images().sharpen());
  }

  static String newRunId() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  static boolean gpuScheduled(SparkSession spark) {
    String amount = spark.conf().get("spark.executor.resource.gpu.amount", "0");
    try {
      return Double.parseDouble(amount) > 0;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spark.executor.resource.gpu.amount is not a number: " + amount);
    }
  }
}
