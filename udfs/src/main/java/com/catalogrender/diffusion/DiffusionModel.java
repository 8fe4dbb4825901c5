package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.catalogrender.embedding.EmbeddingCache;
import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Ticker;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A text-to-image model loaded on one device in one numeric variant: text encoder, UNet and VAE
 * decoder. Expensive to load, shared by every task of an executor (see {@code ModelRegistry}); each
 * task renders through its own {@link DiffusionPredictor}.
 */
public final class DiffusionModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiffusionModel.class);

  private final ModelDirectory directory;
  private final Variant variant;
  private final ComputeDevice device;
  private final WordTokenizer tokenizer;
  private final TorchScriptModule textEncoder;
  private final TorchScriptModule unet;
  private final TorchScriptModule vaeDecoder;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String textEncoderId;
  private volatile float[] unconditional;

  private DiffusionModel(
      ModelDirectory directory,
      Variant variant,
      ComputeDevice device,
      WordTokenizer tokenizer,
      TorchScriptModule textEncoder,
      TorchScriptModule unet,
      TorchScriptModule vaeDecoder) {
    this.directory = directory;
    this.variant = variant;
    this.device = device;
    this.tokenizer = tokenizer;
    this.textEncoderId =
        directory.manifest().modelId()
            + ":"
            + directory.manifest().version()
            + ":"
            + directory.manifest().files().getOrDefault("text_encoder.pt", "");
    this.textEncoder = textEncoder;
    this.unet = unet;
    this.vaeDecoder = vaeDecoder;
  }

  /** Loads the three modules; fails before loading anything when variant and device clash. */
  public static DiffusionModel load(
      ModelDirectory directory, Variant variant, ComputeDevice device) {
    checkVariantFitsDevice(variant, device);
    long start = System.nanoTime();
    WordTokenizer tokenizer = WordTokenizer.load(directory);
    TorchScriptModule text = TorchScriptModule.load(directory, "text_encoder", device);
    TorchScriptModule unet = null;
    try {
      unet = TorchScriptModule.load(directory, variant.moduleName(), device);
      TorchScriptModule vae = TorchScriptModule.load(directory, "vae_decoder", device);
      LOG.info(
          "Loaded model {} {} ({}) on {} in {} ms",
          directory.manifest().modelId(),
          directory.manifest().version(),
          variant.label(),
          device,
          (System.nanoTime() - start) / 1_000_000);
      return new DiffusionModel(directory, variant, device, tokenizer, text, unet, vae);
    } catch (RuntimeException e) {
      text.close();
      if (unet != null) {
        unet.close();
      }
      throw e;
    }
  }

  static void checkVariantFitsDevice(Variant variant, ComputeDevice device) {
    if (variant == Variant.INT8 && device.cuda()) {
      throw new IllegalArgumentException(
          "The int8 UNet runs on CPU only (PyTorch's int8 kernels are CPU kernels); on "
              + device
              + " use variant fp16.");
    }
    if (variant == Variant.FP16 && !device.cuda()) {
      throw new IllegalArgumentException(
          "The fp16 UNet needs a CUDA device; on the CPU use int8 (fast) or fp32 (reference).");
    }
  }

  /** A new predictor for one task (or thread); close it when the task ends. */
  public DiffusionPredictor newPredictor() {
    return newPredictor(Ticker.system());
  }

  /** A new predictor that measures stage seconds with the given clock, without a cache. */
  public DiffusionPredictor newPredictor(Ticker ticker) {
    return newPredictor(ticker, EmbeddingCache.NONE);
  }

  /** A new predictor that reads and fills the given embedding cache. */
  public DiffusionPredictor newPredictor(Ticker ticker, EmbeddingCache cache) {
    return newPredictor(ticker, cache, new DeviceClock(device.toString()));
  }

  /**
   * A new predictor that reads and fills the given embedding cache and times its device work on
   * {@code clock} (the device's clock in the executor's model registry).
   */
  public DiffusionPredictor newPredictor(Ticker ticker, EmbeddingCache cache, DeviceClock clock) {
    if (closed.get()) {
      throw new IllegalStateException("Model " + this + " is closed");
    }
    return new DiffusionPredictor(this, ticker, cache, clock);
  }

  public ModelManifest manifest() {
    return directory.manifest();
  }

  public Variant variant() {
    return variant;
  }

  public ComputeDevice device() {
    return device;
  }

  /**
   * Identifies the text encoder for the embedding cache: model id, version and the sha256 of its
   * TorchScript file, so retrained weights never read an old model's cached states.
   */
  public String textEncoderId() {
    return textEncoderId;
  }

  /** Text-encoder hidden states of captions, flattened [n, tokens, hidden]. */
  float[] encodeText(NDManager manager, List<String> captions) {
    int length = tokenizer.length();
    long[] ids = new long[captions.size() * length];
    for (int i = 0; i < captions.size(); i++) {
      System.arraycopy(tokenizer.encode(captions.get(i)), 0, ids, i * length, length);
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray tokens = scope.create(ids, new Shape(captions.size(), length));
      return textEncoder.forward(new NDList(tokens)).get(0).toFloatArray();
    }
  }

  /** Text-encoder hidden states of captions, flattened [n, tokens, hidden] (cache warm-up). */
  public float[] encode(List<String> captions) {
    try (NDManager manager = NDManager.newBaseManager(device.toDjl(), "PyTorch")) {
      return encodeText(manager, captions);
    }
  }

  /** The empty caption's hidden states (classifier-free guidance), computed once per model. */
  float[] unconditionalEmbedding() {
    float[] value = unconditional;
    if (value == null) {
      synchronized (this) {
        if (unconditional == null) {
          try (NDManager manager = NDManager.newBaseManager(device.toDjl(), "PyTorch")) {
            unconditional = encodeText(manager, List.of(""));
          }
        }
        value = unconditional;
      }
    }
    return value;
  }

  WordTokenizer tokenizer() {
    return tokenizer;
  }

  TorchScriptModule textEncoder() {
    return textEncoder;
  }

  TorchScriptModule unet() {
    return unet;
  }

  TorchScriptModule vaeDecoder() {
    return vaeDecoder;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      textEncoder.close();
      unet.close();
      vaeDecoder.close();
    }
  }

  @Override
  public String toString() {
    return manifest().modelId() + ":" + manifest().version() + "/" + variant.label() + "@" + device;
  }
}
