package com.catalogrender.task;

import com.catalogrender.cost.Rates;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import com.catalogrender.measure.Ticker;
import com.catalogrender.settings.ImageSettings;
import com.catalogrender.settings.TaskPolicy;
import com.catalogrender.settings.TestingHooks;
import java.io.Serializable;

/**
 * What an executor needs to render a partition: small, serializable, built on the driver from the
 * validated settings. Executors never see the job's arguments or config files.
 *
 * @param runId the run this render belongs to
 * @param model the verified model and how it samples
 * @param images where images go and how they are encoded
 * @param fingerprint the run's part of every row's fingerprint; a row's is built where it renders
 * @param rates cost rates, validated on the driver for this run's classes
 * @param ticker the clock stage seconds are measured with
 * @param budget the run's budget ledger, or null when the run has no budget
 * @param embeddingCache where executors cache text embeddings
 * @param tasks device sharing and upload overlap
 * @param testing hooks only tests set
 */
public record RenderSpec(
    String runId,
    ModelSpec model,
    ImageSettings images,
    Fingerprint fingerprint,
    Rates rates,
    Ticker ticker,
    BudgetSpec budget,
    EmbeddingCacheSpec embeddingCache,
    TaskPolicy tasks,
    TestingHooks testing,
    boolean adoptUploaded)
    implements Serializable {

  /**
   * The model as verified on the driver, and how it samples.
   *
   * @param directory model directory, readable from every executor
   * @param modelId model id from the manifest
   * @param modelVersion model version from the manifest
   */
  /**
   * @param directory where the model directory is: a local path or a Hadoop URI ({@link
   *     com.catalogrender.runtime.ModelCache})
   * @param cacheDirectory where executors keep fetched remote models (null: the default)
   * @param simulateDeviceSeconds 0, or the simulated device seconds per batch (a scale run)
   */
  public record ModelSpec(
      String directory,
      String cacheDirectory,
      String modelId,
      String modelVersion,
      int batchSize,
      int steps,
      double guidance,
      double simulateDeviceSeconds)
      implements Serializable {}

  /**
   * The run's budget ledger and the per-row estimate a task uses before its first batch is costed.
   */
  public record BudgetSpec(String ledgerUrl, String ledgerSecret, double estimatedEurPerRow)
      implements Serializable {
    @Override
    public String toString() {
      // the secret never reaches a log line or the Spark UI through this record
      return "BudgetSpec[ledgerUrl="
          + ledgerUrl
          + ", estimatedEurPerRow="
          + estimatedEurPerRow
          + "]";
    }
  }

  /** The same spec with the run's budget. */
  public RenderSpec withBudget(BudgetSpec budget) {
    return with(budget, adoptUploaded);
  }

  /**
   * This spec, adopting images a crashed run uploaded but never recorded: a row whose object exists
   * under its key with its size is recorded as rendered without rendering it again.
   */
  public RenderSpec withAdoption(boolean adopt) {
    return with(budget, adopt);
  }

  private RenderSpec with(BudgetSpec budget, boolean adopt) {
    return new RenderSpec(
        runId,
        model,
        images,
        fingerprint,
        rates,
        ticker,
        budget,
        embeddingCache,
        tasks,
        testing,
        adopt);
  }

  /** Object store class of the image root, for request and storage rates. */
  public String store() {
    return Rates.storeOf(images.root());
  }
}
