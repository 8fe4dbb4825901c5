package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.catalogrender.embedding.EmbeddingCache;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.measure.Ticker;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders batches with a shared {@link DiffusionModel}. One per task or thread (not thread-safe);
 * all native memory of a batch lives in a per-batch NDManager that is closed before {@link #render}
 * returns, so a long-running task does not grow.
 */
public final class DiffusionPredictor implements AutoCloseable {
  private final DiffusionModel model;
  private final NDManager taskManager;
  private final Ticker ticker;
  private final TextEmbeddings embeddings;

  DiffusionPredictor(DiffusionModel model, Ticker ticker, EmbeddingCache cache) {
    this.model = model;
    this.ticker = ticker;
    this.embeddings = new TextEmbeddings(model, cache);
    this.taskManager = NDManager.newBaseManager(model.device().toDjl(), "PyTorch");
  }

  /** Renders each request from the initial noise of its seed. */
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
      long t0 = ticker.nanoTime();
      TextEmbeddings.Embedded embedded = embeddings.embed(manager, captions);
      NDArray conditioning = embedded.conditioning();
      synchronize(conditioning);
      long t1 = ticker.nanoTime();
      NDArray latents = sample(manager, manager.create(noise, latentShape), conditioning, options);
      synchronize(latents);
      long t2 = ticker.nanoTime();
      float[] finalLatents = latents.toFloatArray();
      List<BufferedImage> images = decode(latents, batch, manifest.imageSize());
      long t3 = ticker.nanoTime();
      return new RenderBatch(
          images,
          finalLatents,
          StageValues.of(
              Map.of(
                  Stage.TEXT_ENCODER, (t1 - t0) / 1e9,
                  Stage.UNET, (t2 - t1) / 1e9,
                  Stage.VAE, (t3 - t2) / 1e9)),
          embedded.cacheHits(),
          embedded.cacheFailures());
    }
  }

  private NDArray sample(
      NDManager manager, NDArray x, NDArray conditioning, SamplingOptions options) {
    DpmSolverSampler sampler =
        new DpmSolverSampler(KarrasSchedule.of(model.manifest().betas(), options.steps()));
    int batch = (int) x.getShape().get(0);
    boolean half = model.variant() == Variant.FP16;
    NDArray context = half ? conditioning.toType(DataType.FLOAT16, false) : conditioning;
    while (!sampler.done()) {
      try (NDManager step = manager.newSubManager()) {
        x.attach(step); // the previous sample and this step's temporaries are freed with the step
        NDArray doubled = NDArrays.concat(new NDList(x, x), 0);
        if (half) {
          doubled = doubled.toType(DataType.FLOAT16, false);
        }
        NDArray timestep = step.full(new Shape(2L * batch), (float) sampler.timestep());
        NDArray epsilon =
            model
                .unet()
                .forward(new NDList(doubled, timestep, context))
                .get(0)
                .toType(DataType.FLOAT32, false);
        NDArray unconditional = epsilon.get("0:" + batch);
        NDArray conditional = epsilon.get(batch + ":");
        NDArray guided =
            unconditional.add(conditional.sub(unconditional).mul((float) options.guidance()));
        x = sampler.step(x, guided, manager);
      }
    }
    return x;
  }

  private List<BufferedImage> decode(NDArray latents, int batch, int size) {
    NDArray scaled = latents.div((float) model.manifest().latentScale());
    float[] pixels = model.vaeDecoder().forward(new NDList(scaled)).get(0).toFloatArray();
    List<BufferedImage> images = new ArrayList<>(batch);
    int plane = size * size;
    for (int b = 0; b < batch; b++) {
      BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      int offset = b * 3 * plane;
      for (int p = 0; p < plane; p++) {
        int r = toByte(pixels[offset + p]);
        int g = toByte(pixels[offset + plane + p]);
        int bl = toByte(pixels[offset + 2 * plane + p]);
        image.setRGB(p % size, p / size, (r << 16) | (g << 8) | bl);
      }
      images.add(image);
    }
    return images;
  }

  /** [-1, 1] to 0..255, rounding half up; the Python reference does the same. */
  static int toByte(float value) {
    return (int) Math.max(0, Math.min(255, Math.floor((value + 1.0) * 127.5 + 0.5)));
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
