package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.catalogrender.embedding.EmbeddingCache;
import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.measure.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders batches with a shared {@link DiffusionModel}. One per task or thread (not thread-safe);
 * all native memory of a batch lives in a per-batch NDManager that is closed before {@link #render}
 * returns, so a long-running task does not grow. Stage seconds are device work only: the text
 * encoder, the UNet loop and the VAE decoder, each timed on the device's {@link DeviceClock}; the
 * embedding cache's round trips are the cache stage, and turning pixels into images is left to the
 * caller's post-processing ({@link RenderBatch#image}).
 */
public final class DiffusionPredictor implements BatchRenderer {
  private final DiffusionModel model;
  private final NDManager taskManager;
  private final Ticker ticker;
  private final TextEmbeddings embeddings;
  private final DeviceClock clock;

  DiffusionPredictor(DiffusionModel model, Ticker ticker, EmbeddingCache cache, DeviceClock clock) {
    this.model = model;
    this.ticker = ticker;
    this.clock = clock;
    this.embeddings = new TextEmbeddings(model, cache, ticker, clock);
    this.taskManager = NDManager.newBaseManager(model.device().toDjl(), "PyTorch");
  }

  @Override
  public RenderBatch render(List<RenderRequest> requests, SamplingOptions options) {
    ModelManifest manifest = model.manifest();
    int perImage = manifest.latentChannels() * manifest.latentSize() * manifest.latentSize();
    float[] noise = new float[requests.size() * perImage];
    List<String> captions = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      RenderRequest request = requests.get(i);
      System.arraycopy(
          InitialNoise.gaussian(request.seed(), perImage), 0, noise, i * perImage, perImage);
      captions.add(request.caption());
    }
    return renderFromNoise(captions, noise, options);
  }

  /**
   * Renders captions from the given initial noise, flattened [batch, channels, size, size]: the
   * entry point of parity checks against the Python reference.
   */
  public RenderBatch renderFromNoise(
      List<String> captions, float[] noise, SamplingOptions options) {
    if (captions.isEmpty()) {
      throw new IllegalArgumentException("A batch needs at least one caption");
    }
    ModelManifest manifest = model.manifest();
    int batch = captions.size();
    Shape latentShape =
        new Shape(batch, manifest.latentChannels(), manifest.latentSize(), manifest.latentSize());
    if (noise.length != latentShape.size()) {
      throw new IllegalArgumentException(
          "Initial noise has " + noise.length + " values, the batch needs " + latentShape.size());
    }
    try (NDManager manager = taskManager.newSubManager()) {
      TextEmbeddings.Embedded embedded = embeddings.embed(manager, captions);
      DeviceClock.Span unet = clock.busy(ticker);
      NDArray latents =
          sample(
              manager,
              manager.create(noise, latentShape),
              embedded.conditioning(),
              embedded.pooled(),
              options);
      synchronize(latents);
      double unetSeconds = unet.end();
      float[] finalLatents = latents.toFloatArray();
      DeviceClock.Span vae = clock.busy(ticker);
      NDArray scaled = latents.div((float) manifest.latentScale());
      Double shift = manifest.pipeline().vaeShift();
      if (shift != null) {
        scaled = scaled.add(shift.floatValue());
      }
      float[] pixels = model.vaeDecoder().forward(new NDList(scaled)).get(0).toFloatArray();
      double vaeSeconds = vae.end();
      return new RenderBatch(
          pixels,
          manifest.imageSize(),
          finalLatents,
          StageValues.of(
              Map.of(
                  Stage.CACHE,
                  embedded.cacheSeconds(),
                  Stage.TEXT_ENCODER,
                  embedded.encoderSeconds(),
                  Stage.UNET,
                  unetSeconds,
                  Stage.VAE,
                  vaeSeconds)),
          embedded.cacheHits(),
          embedded.cacheFailures());
    }
  }

  private NDArray sample(
      NDManager manager, NDArray x, NDArray conditioning, NDArray pooled, SamplingOptions options) {
    DpmSolverSampler sampler =
        new DpmSolverSampler(
            KarrasSchedule.of(model.manifest().betas(), options.steps()),
            model.manifest().pipeline().prediction());
    int batch = (int) x.getShape().get(0);
    boolean half = model.variant() == Variant.FP16;
    NDArray context = half ? conditioning.toType(DataType.FLOAT16, false) : conditioning;
    NDList added =
        pooled == null
            ? new NDList()
            : model.addedConditioning(half ? pooled.toType(DataType.FLOAT16, false) : pooled);
    while (!sampler.done()) {
      try (NDManager step = manager.newSubManager()) {
        x.attach(step); // the previous sample and this step's temporaries are freed with the step
        NDArray doubled = NDArrays.concat(new NDList(x, x), 0);
        if (half) {
          doubled = doubled.toType(DataType.FLOAT16, false);
        }
        NDArray timestep = step.full(new Shape(2L * batch), (float) sampler.timestep());
        NDArray epsilon =
            model.unet(doubled, timestep, context, added).toType(DataType.FLOAT32, false);
        NDArray unconditional = epsilon.get("0:" + batch);
        NDArray conditional = epsilon.get(batch + ":");
        NDArray guided =
            unconditional.add(conditional.sub(unconditional).mul((float) options.guidance()));
        x = sampler.step(x, guided, manager);
      }
    }
    return x;
  }

  /** On CUDA, reading a scalar waits for the queued kernels, so stage seconds are real. */
  private void synchronize(NDArray array) {
    if (model.device().cuda()) {
      array.get(0).sum().getFloat();
    }
  }

  /** NDArrays still held by this predictor: 0 between batches. */
  int liveArrays() {
    return taskManager.getManagedArrays().size();
  }

  @Override
  public void close() {
    taskManager.close();
  }
}
