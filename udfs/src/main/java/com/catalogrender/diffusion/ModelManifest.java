package com.catalogrender.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a model directory, parsed and validated once. It names the model,
 * the shapes the runtime relies on, the noise schedule, and a sha256 per file.
 *
 * @param modelId stable id of the model, part of every render's input hash
 * @param version model version, part of every render's input hash
 * @param imageSize native output size in pixels (square)
 * @param latentChannels channels of the latent tensor
 * @param latentSize latent height and width
 * @param latentScale factor the latents were scaled by for diffusion (decode divides by it)
 * @param maxTokens tokenizer sequence length
 * @param textHiddenSize width of the text encoder's hidden states
 * @param betas training noise schedule, one beta per training timestep
 * @param defaultSteps default sampler steps
 * @param defaultGuidance default classifier-free guidance scale
 * @param files relative file name to expected sha256, for every file of the model
 * @param attributes attribute name (category, colour, background, lighting) to its values
 * @param captionTemplate caption pattern with {attribute} placeholders
 * @param heldOutPrompts attribute combinations never seen in training, for quality audits
 * @param int8FloatLayers layers of the int8 UNet that stay in float, and why
 * @param pipeline how the modules fit together (encoders, UNet signature, prediction)
 */
public record ModelManifest(
    String modelId,
    String version,
    int imageSize,
    int latentChannels,
    int latentSize,
    double latentScale,
    int maxTokens,
    int textHiddenSize,
    double[] betas,
    int defaultSteps,
    double defaultGuidance,
    Map<String, String> files,
    Map<String, List<String>> attributes,
    String captionTemplate,
    List<Map<String, String>> heldOutPrompts,
    Map<String, String> int8FloatLayers,
    PipelineSpec pipeline) {

  public static final String FILE_NAME = "manifest.json";

  /** The full-precision threshold of a model that names none (the seed's 2048 px shoots). */
  public static final int DEFAULT_FULL_PRECISION_MIN_SIDE = 2048;

  public ModelManifest {
    require(modelId != null && !modelId.isBlank(), "model_id is missing");
    require(version != null && !version.isBlank(), "version is missing");
    require(imageSize > 0 && latentSize > 0 && latentChannels > 0, "shapes must be positive");
    require(latentScale > 0, "latent_scale must be positive, got " + latentScale);
    require(maxTokens > 1 && textHiddenSize > 0, "text shapes must be positive");
    require(betas != null && betas.length >= 2, "schedule.betas needs at least 2 values");
    for (double beta : betas) {
      require(beta > 0 && beta < 1, "schedule.betas must lie in (0, 1), got " + beta);
    }
    require(defaultSteps >= 2, "sampler.default_steps must be at least 2, got " + defaultSteps);
    files = Map.copyOf(files);
    attributes = Map.copyOf(attributes);
    heldOutPrompts = List.copyOf(heldOutPrompts);
    int8FloatLayers = Collections.unmodifiableMap(new LinkedHashMap<>(int8FloatLayers));
  }

  /** The version suffix of a model whose device work is simulated ({@link SimulatedRenderer}). */
  public static final String SIMULATED_SUFFIX = "+simulated";

  /**
   * This manifest as a simulated model reports it: the version suffixed {@code
   * +simulated-<seconds>s}, so simulated renders have fingerprints, history, estimates and live
   * images of their own and never count as this model's real renders.
   */
  public ModelManifest simulated(double secondsPerBatch) {
    return new ModelManifest(
        modelId,
        version + SIMULATED_SUFFIX + "-" + secondsPerBatch + "s",
        imageSize,
        latentChannels,
        latentSize,
        latentScale,
        maxTokens,
        textHiddenSize,
        betas,
        defaultSteps,
        defaultGuidance,
        files,
        attributes,
        captionTemplate,
        heldOutPrompts,
        int8FloatLayers,
        pipeline);
  }

  /** Reads and validates {@code dir/manifest.json}; does not check file hashes. */
  public static ModelManifest read(Path dir) {
    Path path = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(path)) {
      throw new ModelArtifactException(
          "No "
              + FILE_NAME
              + " in model directory "
              + dir.toAbsolutePath()
              + ". Point --model-dir at a directory built by models/scripts/export.py.");
    }
    try {
      return fromJson(new ObjectMapper().readTree(path.toFile()));
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new ModelArtifactException("Malformed " + path + ": " + e.getMessage(), e);
    }
  }

  /** Parses and validates a manifest read from {@code source} (named in errors). */
  public static ModelManifest parse(byte[] json, String source) {
    try {
      return fromJson(new ObjectMapper().readTree(json));
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new ModelArtifactException(
          "Malformed manifest at " + source + ": " + e.getMessage(), e);
    }
  }

  static ModelManifest fromJson(JsonNode root) {
    int format = root.path("format_version").asInt(1);
    if (format == 2) {
      return fromJsonVersion2(root);
    }
    if (format != 1) {
      throw new IllegalArgumentException(
          "format_version " + format + " is not one this catalog-render reads (1 or 2)");
    }
    JsonNode schedule = required(root, "schedule");
    JsonNode betasNode = required(schedule, "betas");
    double[] betas = new double[betasNode.size()];
    for (int i = 0; i < betas.length; i++) {
      betas[i] = betasNode.get(i).asDouble();
    }
    Map<String, String> files = filesOf(root);
    Map<String, List<String>> attributes = attributesOf(required(root, "attributes"));
    List<Map<String, String>> heldOut = new ArrayList<>();
    for (JsonNode prompt : required(root, "held_out_prompts")) {
      Map<String, String> combination = new LinkedHashMap<>();
      prompt.fields().forEachRemaining(e -> combination.put(e.getKey(), e.getValue().asText()));
      heldOut.add(Map.copyOf(combination));
    }
    JsonNode text = required(root, "text");
    JsonNode sampler = required(root, "sampler");
    // optional: which layers of the int8 UNet stay in float, and why
    Map<String, String> floatLayers = new LinkedHashMap<>();
    JsonNode quantization = root.path("quantization").path("float_layers");
    quantization.fields().forEachRemaining(e -> floatLayers.put(e.getKey(), e.getValue().asText()));
    return new ModelManifest(
        required(root, "model_id").asText(),
        required(root, "version").asText(),
        required(root, "image_size").asInt(),
        required(root, "latent_channels").asInt(),
        required(root, "latent_size").asInt(),
        required(root, "latent_scale").asDouble(),
        required(text, "max_tokens").asInt(),
        required(text, "hidden_size").asInt(),
        betas,
        required(sampler, "default_steps").asInt(),
        required(sampler, "default_guidance").asDouble(),
        files,
        attributes,
        required(root, "caption_template").asText(),
        heldOut,
        floatLayers,
        demoPipeline(
            files, required(text, "max_tokens").asInt(), required(text, "hidden_size").asInt()));
  }

  /** The demo model's pipeline (manifest version 1): one word-tokenized encoder, epsilon. */
  private static PipelineSpec demoPipeline(Map<String, String> files, int tokens, int hidden) {
    Map<String, String> variants = new LinkedHashMap<>();
    for (Variant variant : Variant.values()) {
      if (files.containsKey(variant.moduleName() + ".pt")) {
        variants.put(variant.label(), variant.moduleName() + ".pt");
      }
    }
    return new PipelineSpec(
        1,
        "catalog-render-demo",
        // the word vocabulary (vocabulary.txt) decides the ids; the encoder reads them all
        List.of(
            new TextEncoderSpec(
                "text_encoder.pt",
                null,
                tokens,
                0,
                0,
                0,
                Integer.MAX_VALUE,
                hidden,
                TextEncoderSpec.HiddenState.LAST,
                false,
                0)),
        PipelineSpec.UnetSignature.SD,
        variants,
        PipelineSpec.Prediction.EPSILON,
        null,
        false,
        Map.of(),
        DEFAULT_FULL_PRECISION_MIN_SIDE);
  }

  /**
   * Manifest version 2: a Stable Diffusion 1.x/2.x or SDXL pipeline as {@code
   * models/scripts/export_diffusers.py} writes it: tokenizer.json per encoder, the scheduler's
   * diffusers config (whose betas the Karras sigmas are built from), the VAE's scaling factor.
   */
  private static ModelManifest fromJsonVersion2(JsonNode root) {
    Map<String, String> files = filesOf(root);
    List<TextEncoderSpec> encoders = new ArrayList<>();
    for (JsonNode e : required(root, "text_encoders")) {
      encoders.add(
          new TextEncoderSpec(
              listed(files, required(e, "file").asText()),
              listed(files, required(e, "tokenizer").asText()),
              required(e, "max_length").asInt(),
              required(e, "bos_id").asInt(),
              required(e, "eos_id").asInt(),
              required(e, "pad_id").asInt(),
              required(e, "vocab_size").asInt(),
              required(e, "hidden_size").asInt(),
              TextEncoderSpec.HiddenState.parse(required(e, "hidden_state").asText()),
              e.path("pooled").asBoolean(false),
              e.path("pooled_size").asInt(0)));
    }
    JsonNode unet = required(root, "unet");
    Map<String, String> variants = new LinkedHashMap<>();
    required(unet, "variants")
        .fields()
        .forEachRemaining(
            e -> {
              Variant variant = Variant.parse(e.getKey());
              String file = listed(files, e.getValue().asText());
              if (!file.equals(variant.moduleName() + ".pt")) {
                throw new IllegalArgumentException(
                    "unet.variants." + e.getKey() + " must be " + variant.moduleName() + ".pt");
              }
              variants.put(variant.label(), file);
            });
    JsonNode vae = required(root, "vae");
    listed(files, required(vae, "file").asText());
    JsonNode scheduler = required(root, "scheduler_config");
    String prediction =
        root.has("prediction_type")
            ? root.get("prediction_type").asText()
            : scheduler.path("prediction_type").asText("epsilon");
    Map<String, Integer> batchSizes = new LinkedHashMap<>();
    root.path("batch_size")
        .fields()
        .forEachRemaining(e -> batchSizes.put(e.getKey(), e.getValue().asInt()));
    PipelineSpec pipeline =
        new PipelineSpec(
            2,
            required(root, "pipeline").asText(),
            encoders,
            PipelineSpec.UnetSignature.parse(required(unet, "signature").asText()),
            variants,
            PipelineSpec.Prediction.parse(prediction),
            vae.hasNonNull("shift_factor") ? vae.get("shift_factor").asDouble() : null,
            "zeros".equals(root.path("unconditional").asText("empty_caption")),
            batchSizes,
            root.path("full_precision_min_side").asInt(DEFAULT_FULL_PRECISION_MIN_SIDE));
    int imageSize = required(root, "image_size").asInt();
    int downsampling = required(root, "latent_downsampling").asInt();
    if (downsampling < 1 || imageSize % downsampling != 0) {
      throw new IllegalArgumentException(
          "image_size " + imageSize + " is not a multiple of latent_downsampling " + downsampling);
    }
    JsonNode sampler = required(root, "sampler");
    Map<String, List<String>> attributes = attributesOf(root.path("attributes"));
    return new ModelManifest(
        required(root, "model_id").asText(),
        required(root, "version").asText(),
        imageSize,
        required(root, "latent_channels").asInt(),
        imageSize / downsampling,
        required(vae, "scaling_factor").asDouble(),
        encoders.get(0).maxLength(),
        pipeline.hiddenSize(),
        NoiseSchedule.betas(scheduler),
        required(sampler, "default_steps").asInt(),
        required(sampler, "default_guidance").asDouble(),
        files,
        attributes,
        root.path("caption_template").asText("{caption}"),
        List.of(),
        Map.of(),
        pipeline);
  }

  private static Map<String, String> filesOf(JsonNode root) {
    Map<String, String> files = new LinkedHashMap<>();
    required(root, "files")
        .fields()
        .forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
    return files;
  }

  /** Attribute name to its values (the demo's category, colour, background, lighting). */
  private static Map<String, List<String>> attributesOf(JsonNode node) {
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              attributes.put(e.getKey(), List.copyOf(values));
            });
    return attributes;
  }

  /** {@code file}, which the manifest's {@code files} must list (with its sha256). */
  private static String listed(Map<String, String> files, String file) {
    if (!files.containsKey(file)) {
      throw new IllegalArgumentException(
          "'" + file + "' is named but not listed in files (with its sha256)");
    }
    return file;
  }

  /** Floats of one caption's embedding: its hidden states, then its pooled output (if any). */
  public int embeddingSize() {
    return maxTokens * textHiddenSize + pipeline.pooledSize();
  }

  /**
   * The caption of one attribute combination, e.g. "red mug on beach, studio lighting from front".
   */
  public String caption(Map<String, String> combination) {
    String caption = captionTemplate;
    for (Map.Entry<String, String> e : combination.entrySet()) {
      caption = caption.replace("{" + e.getKey() + "}", e.getValue());
    }
    return caption;
  }

  /**
   * The words this model knows for a product, its colour and its background (its category, colour
   * and background attribute values), which a caption must keep when the prompt uses them; empty
   * for a model that declares none.
   */
  public List<String> productWords() {
    List<String> words = new java.util.ArrayList<>();
    for (String attribute : List.of("category", "colour", "background")) {
      words.addAll(attributes.getOrDefault(attribute, List.of()));
    }
    return words;
  }

  public List<String> attributeValues(String attribute) {
    List<String> values = attributes.get(attribute);
    if (values == null) {
      throw new IllegalArgumentException(
          "Model "
              + modelId
              + " has no attribute '"
              + attribute
              + "'; it has "
              + attributes.keySet());
    }
    return values;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return value;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new ModelArtifactException("Invalid model manifest: " + message);
    }
  }
}
