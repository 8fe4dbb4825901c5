package com.catalogrender.task;

import com.catalogrender.diffusion.BatchRenderer;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.runtime.DeviceSemaphore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch through the model on the task's device: text encoder, UNet, VAE, holding the
 * device's permit on GPUs, and adds the batch to the run's device and embedding-cache meters.
 */
final class ModelStep {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStep.class);

  /** Why a batch produced no images; every row of it fails with this reason. */
  static final class BatchFailure extends Exception {
    BatchFailure(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  private final TaskResources resources;

  ModelStep(TaskResources resources) {
    this.resources = resources;
  }

  RenderBatch render(Variant variant, List<AdmittedRow> batch) throws BatchFailure {
    RenderSpec spec = resources.spec();
    RunMeters meters = resources.meters();
    List<RenderRequest> requests = new ArrayList<>(batch.size());
    for (AdmittedRow row : batch) {
      requests.add(new RenderRequest(row.caption().text(), row.row().seed()));
    }
    BatchRenderer predictor;
    try {
      predictor = resources.predictor(variant);
    } catch (RuntimeException e) {
      LOG.warn("Model for {} ({}) failed to load", device(), variant.label(), e);
      throw new BatchFailure("model failed to load: " + e.getMessage(), e);
    }
    int permits = resources.assignment.scheduledOnGpu() ? spec.tasks().deviceConcurrentTasks() : 0;
    RenderBatch rendered;
    try (DeviceSemaphore.Permit permit =
        DeviceSemaphore.acquire(resources.assignment.slot(), permits)) {
      meters.deviceWaitSeconds().add(permit.waitedSeconds());
      rendered =
          predictor.render(
              requests, new SamplingOptions(spec.model().steps(), spec.model().guidance()));
    } catch (RuntimeException e) {
      LOG.warn("Batch of {} rows failed on {} ({})", batch.size(), device(), variant.label(), e);
      throw new BatchFailure("render failed: " + e.getMessage(), e);
    }
    resources.deviceBusy(rendered.seconds().modelDevice());
    int hits = 0;
    for (boolean hit : rendered.embeddingCacheHits()) {
      hits += hit ? 1 : 0;
    }
    meters.embeddingHits().add(hits);
    meters.embeddingMisses().add(batch.size() - hits);
    meters.embeddingFailures().add(rendered.embeddingCacheFailures());
    return rendered;
  }

  private String device() {
    return resources.assignment.device().toString();
  }
}
