package com.catalogrender.render;

import com.catalogrender.catalog.CatalogSource;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.task.RenderSpec;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
            config.run().rates(),
            config.testing().ticker(),
            null,
            config.embeddingCache(),
            config.tasks(),
            config.testing(),
            false);
    return new OpenedRun(runId, started, startNanos, catalog, manifest, gpu, spec);
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
