package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
  private final List<PromptTokenizer> tokenizers;
  private final List<TorchScriptModule> textEncoders;
  private final TorchScriptModule unet;
  private final TorchScriptModule vaeDecoder;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String textEncoderId;
  private volatile float[] unconditional;

  private DiffusionModel(
      ModelDirectory directory,
      Variant variant,
      ComputeDevice device,
      List<PromptTokenizer> tokenizers,
      List<TorchScriptModule> textEncoders,
      TorchScriptModule unet,
      TorchScriptModule vaeDecoder) {
    this.directory = directory;
    this.variant = variant;
    this.device = device;
    this.tokenizers = List.copyOf(tokenizers);
    StringBuilder id =
        new StringBuilder(directory.manifest().modelId() + ":" + directory.manifest().version());
    for (TextEncoderSpec encoder : directory.manifest().pipeline().textEncoders()) {
      id.append(':').append(directory.manifest().files().getOrDefault(encoder.file(), ""));
      if (encoder.tokenizer() != null) {
        id.append('/').append(directory.manifest().files().getOrDefault(encoder.tokenizer(), ""));
      }
    }
    this.textEncoderId = id.toString();
    this.textEncoders = List.copyOf(textEncoders);
    this.unet = unet;
    this.vaeDecoder = vaeDecoder;
  }

  /**
   * Loads the tokenizers, text encoders, UNet and VAE decoder; fails before loading anything when
   * variant and device clash or the model ships no UNet of that variant.
   */
  public static DiffusionModel load(
      ModelDirectory directory, Variant variant, ComputeDevice device) {
    checkVariantFitsDevice(variant, device);
    PipelineSpec pipeline = directory.manifest().pipeline();
    if (!pipeline.unetVariants().containsKey(variant.label())) {
      throw new IllegalArgumentException(
          "Model "
              + directory.manifest().modelId()
              + " has no "
              + variant.label()
              + " UNet; it ships "
              + pipeline.unetVariants().keySet()
              + ". Choose one of those (cpu_variant, or a GPU for fp16).");
    }
    long start = System.nanoTime();
    List<AutoCloseable> loaded = new java.util.ArrayList<>();
    try {
      List<PromptTokenizer> tokenizers = new java.util.ArrayList<>();
      List<TorchScriptModule> encoders = new java.util.ArrayList<>();
      for (TextEncoderSpec encoder : pipeline.textEncoders()) {
        PromptTokenizer tokenizer =
            encoder.tokenizer() == null
                ? WordTokenizer.load(directory)
                : PretrainedTokenizer.load(directory.root().resolve(encoder.tokenizer()), encoder);
        loaded.add(tokenizer);
        tokenizers.add(tokenizer);
        TorchScriptModule module =
            TorchScriptModule.load(directory, moduleName(encoder.file()), device);
        loaded.add(module);
        encoders.add(module);
      }
      TorchScriptModule unet = TorchScriptModule.load(directory, variant.moduleName(), device);
      loaded.add(unet);
      TorchScriptModule vae = TorchScriptModule.load(directory, "vae_decoder", device);
      LOG.info(
          "Loaded model {} {} ({}, {}) on {} in {} ms",
          directory.manifest().modelId(),
          directory.manifest().version(),
          pipeline.pipeline(),
          variant.label(),
          device,
          (System.nanoTime() - start) / 1_000_000);
      return new DiffusionModel(directory, variant, device, tokenizers, encoders, unet, vae);
    } catch (RuntimeException e) {
      for (AutoCloseable c : loaded) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing what was loaded before the failure; the failure is what matters
        }
      }
      throw e;
    }
  }

  private static String moduleName(String file) {
    return file.endsWith(".pt") ? file.substring(0, file.length() - 3) : file;
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

  /**
   * The embeddings of captions, flattened per caption: the chosen hidden states of every encoder
   * concatenated along the hidden axis ([tokens, hidden]), then the pooled output when the pipeline
   * has one; {@link ModelManifest#embeddingSize()} floats each.
   */
  float[] encodeText(NDManager manager, List<String> captions) {
    ModelManifest manifest = directory.manifest();
    PipelineSpec pipeline = manifest.pipeline();
    int n = captions.size();
    int length = manifest.maxTokens();
    try (NDManager scope = manager.newSubManager()) {
      NDList states = new NDList();
      NDArray pooled = null;
      for (int e = 0; e < textEncoders.size(); e++) {
        TextEncoderSpec spec = pipeline.textEncoders().get(e);
        long[] ids = new long[n * length];
        for (int i = 0; i < n; i++) {
          System.arraycopy(tokenizers.get(e).encode(captions.get(i)), 0, ids, i * length, length);
        }
        NDList out =
            textEncoders.get(e).forward(new NDList(scope.create(ids, new Shape(n, length))));
        states.add(out.get(spec.hiddenState().output()));
        if (spec.pooled()) {
          pooled = out.get(TextEncoderSpec.POOLED_OUTPUT);
        }
      }
      NDArray hidden = states.size() == 1 ? states.get(0) : NDArrays.concat(states, 2);
      float[] h = hidden.toType(DataType.FLOAT32, false).toFloatArray();
      if (pooled == null) {
        return h;
      }
      float[] p = pooled.toType(DataType.FLOAT32, false).toFloatArray();
      int stateSize = length * manifest.textHiddenSize();
      int pooledSize = pipeline.pooledSize();
      float[] out = new float[n * manifest.embeddingSize()];
      for (int i = 0; i < n; i++) {
        System.arraycopy(h, i * stateSize, out, i * manifest.embeddingSize(), stateSize);
        System.arraycopy(
            p, i * pooledSize, out, i * manifest.embeddingSize() + stateSize, pooledSize);
      }
      return out;
    }
  }

  /** Embeddings of captions (cache warm-up), as {@link #encodeText}. */
  public float[] encode(List<String> captions) {
    try (NDManager manager = NDManager.newBaseManager(device.toDjl(), "PyTorch")) {
      return encodeText(manager, captions);
    }
  }

  /**
   * The unconditional embedding of classifier-free guidance, computed once per model: the empty
   * caption's, or zeros where the pipeline says so (SDXL's force_zeros_for_empty_prompt).
   */
  float[] unconditionalEmbedding() {
    float[] value = unconditional;
    if (value == null) {
      synchronized (this) {
        if (unconditional == null) {
          if (manifest().pipeline().zeroUnconditional()) {
            unconditional = new float[manifest().embeddingSize()];
          } else {
            try (NDManager manager = NDManager.newBaseManager(device.toDjl(), "PyTorch")) {
              unconditional = encodeText(manager, List.of(""));
            }
          }
        }
        value = unconditional;
      }
    }
    return value;
  }

  /**
   * The UNet's added conditioning for a batch, built once per batch rather than per sampler step:
   * for SDXL, {@code text_embeds} (the pooled outputs, one row per UNet row) and {@code time_ids}
   * (original size, crop top-left, target size: the native size, no crop) in the same precision;
   * nothing for the three-input UNet.
   */
  NDList addedConditioning(NDArray textEmbeds) {
    if (manifest().pipeline().unet() != PipelineSpec.UnetSignature.SDXL) {
      return new NDList();
    }
    int rows = (int) textEmbeds.getShape().get(0);
    float size = manifest().imageSize();
    float[] ids = new float[rows * 6];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(new float[] {size, size, 0, 0, size, size}, 0, ids, i * 6, 6);
    }
    NDArray timeIds = textEmbeds.getManager().create(ids, new Shape(rows, 6));
    if (textEmbeds.getDataType() != DataType.FLOAT32) {
      timeIds = timeIds.toType(textEmbeds.getDataType(), false);
    }
    return new NDList(textEmbeds, timeIds);
  }

  /** One UNet call in the pipeline's signature, with the batch's {@link #addedConditioning}. */
  NDArray unet(NDArray sample, NDArray timestep, NDArray context, NDList added) {
    NDList inputs = new NDList(sample, timestep, context);
    inputs.addAll(added);
    return unet.forward(inputs).get(0);
  }

  /** The tokenizer of the pipeline's {@code encoder}-th text encoder. */
  PromptTokenizer tokenizer(int encoder) {
    return tokenizers.get(encoder);
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
      textEncoders.forEach(TorchScriptModule::close);
      tokenizers.forEach(PromptTokenizer::close);
      unet.close();
      vaeDecoder.close();
    }
  }

  @Override
  public String toString() {
    return manifest().modelId() + ":" + manifest().version() + "/" + variant.label() + "@" + device;
  }
}
