package com.catalogrender.render;

import com.catalogrender.diffusion.Variant;
import com.catalogrender.post.ImageFormat;
import java.io.Serializable;

/**
 * What an executor needs to render a partition: small, serializable, validated on the driver by
 * {@link RenderConfig}. Executors never see the job's arguments or config files.
 *
 * @param runId the run this render belongs to
 * @param modelDirectory model directory, readable from every executor
 * @param modelId model id from the manifest (verified on the driver)
 * @param modelVersion model version from the manifest
 * @param variants which UNet variant a row of a given size uses on a given device
 * @param batchSize rows per UNet batch
 * @param steps sampler steps
 * @param guidance classifier-free guidance scale
 * @param maxSide largest accepted width or height
 * @param imageRoot where images go: a directory or s3a:// URI
 * @param format output encoding
 * @param quality JPEG/WebP quality in (0, 1]
 * @param sharpen unsharp-mask strength after upscaling (0 = none)
 * @param rates cost rates, validated on the driver for this run's classes
 * @param store object store class of the image root, for request and storage rates
 * @param ticker the clock stage seconds are measured with
 * @param budgetUrl the run's budget ledger, or null when the run has no budget
 * @param estimatedEurPerRow cost estimate of a row before any batch of the task has rendered
 * @param failFirstAttemptAfterRows testing only: the first attempt of partition 0 fails after
 *     writing this many images (0 = never), to prove that retries leave one object per row
 * @param embeddingCache where executors cache text embeddings
 * @param tasks device sharing and upload overlap
 */
public record RenderSpec(
    String runId,
    String modelDirectory,
    String modelId,
    String modelVersion,
    VariantPolicy variants,
    int batchSize,
    int steps,
    double guidance,
    int maxSide,
    String imageRoot,
    ImageFormat format,
    double quality,
    double sharpen,
    com.catalogrender.cost.Rates rates,
    String store,
    com.catalogrender.runtime.Ticker ticker,
    String budgetUrl,
    double estimatedEurPerRow,
    int failFirstAttemptAfterRows,
    com.catalogrender.embedding.EmbeddingCacheSpec embeddingCache,
    TaskPolicy tasks)
    implements Serializable {

  /** The same spec with the run's budget ledger and the per-row estimate for first batches. */
  public RenderSpec withBudget(String url, double eurPerRow) {
    return new RenderSpec(
        runId,
        modelDirectory,
        modelId,
        modelVersion,
        variants,
        batchSize,
        steps,
        guidance,
        maxSide,
        imageRoot,
        format,
        quality,
        sharpen,
        rates,
        store,
        ticker,
        url,
        eurPerRow,
        failFirstAttemptAfterRows,
        embeddingCache,
        tasks);
  }

  /** Which UNet variant renders a row: full precision for large renders, as the seed does. */
  public record VariantPolicy(Variant cpuVariant, int fullPrecisionMinSide)
      implements Serializable {
    public VariantPolicy {
      if (cpuVariant == Variant.FP16) {
        throw new IllegalArgumentException(
            "The CPU variant must be int8 or fp32; fp16 needs a GPU");
      }
      if (fullPrecisionMinSide < 1) {
        throw new IllegalArgumentException(
            "full_precision_min_side must be positive, got " + fullPrecisionMinSide);
      }
    }

    /**
     * fp16 on a GPU; on the CPU fp32 when max(width, height) reaches the threshold, else
     * cpuVariant.
     */
    public Variant choose(long width, long height, boolean gpu) {
      if (gpu) {
        return Variant.FP16;
      }
      return Math.max(width, height) >= fullPrecisionMinSide ? Variant.FP32 : cpuVariant;
    }
  }
}
