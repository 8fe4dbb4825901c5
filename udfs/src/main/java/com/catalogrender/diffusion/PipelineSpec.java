package com.catalogrender.diffusion;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a model's modules fit together: its text encoders, the UNet's signature and prediction, the
 * VAE's shift, and the unconditional embedding of classifier-free guidance. Manifest version 1 (the
 * demo model) is one word-tokenized encoder, the three-input UNet, epsilon, no shift.
 *
 * @param formatVersion the manifest's format version
 * @param pipeline {@code catalog-render-demo}, {@code stable-diffusion} or {@code
 *     stable-diffusion-xl}
 * @param textEncoders the encoders, whose chosen hidden states are concatenated in this order
 * @param unet which inputs the UNet takes
 * @param unetVariants variant label to TorchScript file, for the variants the model ships
 * @param prediction what the UNet predicts
 * @param vaeShift added to the latents after dividing by the scaling factor (null: none)
 * @param zeroUnconditional whether the unconditional embedding is zeros (SDXL's
 *     force_zeros_for_empty_prompt) rather than the empty caption's
 * @param batchSizes a batch size that fits per device class ({@code cpu}, {@code cuda})
 * @param fullPrecisionMinSide rows at least this wide or high render at full precision (2048 for
 *     the demo model; an export sets it from its native resolution)
 */
public record PipelineSpec(
    int formatVersion,
    String pipeline,
    List<TextEncoderSpec> textEncoders,
    UnetSignature unet,
    Map<String, String> unetVariants,
    Prediction prediction,
    Double vaeShift,
    boolean zeroUnconditional,
    Map<String, Integer> batchSizes,
    int fullPrecisionMinSide) {

  /** What the UNet predicts, which decides the sampler's denoised estimate. */
  public enum Prediction {
    EPSILON,
    V_PREDICTION;

    static Prediction parse(String text) {
      for (Prediction p : values()) {
        if (p.name().toLowerCase(Locale.ROOT).equals(text)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "prediction_type must be epsilon or v_prediction, got '" + text + "'");
    }
  }

  /** The UNet's inputs. */
  public enum UnetSignature {
    /** {@code (sample, timestep, encoder_hidden_states)}: SD 1.x, 2.x and the demo model. */
    SD,
    /** SDXL's {@code (sample, timestep, encoder_hidden_states, text_embeds, time_ids)}. */
    SDXL;

    static UnetSignature parse(String text) {
      for (UnetSignature s : values()) {
        if (s.name().toLowerCase(Locale.ROOT).equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unet.signature must be sd or sdxl, got '" + text + "'");
    }
  }

  public PipelineSpec {
    textEncoders = List.copyOf(textEncoders);
    unetVariants = Map.copyOf(unetVariants);
    batchSizes = Map.copyOf(batchSizes);
    if (textEncoders.isEmpty()) {
      throw new IllegalArgumentException("text_encoders must list at least one encoder");
    }
    int length = textEncoders.get(0).maxLength();
    for (TextEncoderSpec encoder : textEncoders) {
      if (encoder.maxLength() != length) {
        throw new IllegalArgumentException(
            "every text encoder must read the same max_length; got "
                + length
                + " and "
                + encoder.maxLength());
      }
    }
    long pooled = textEncoders.stream().filter(TextEncoderSpec::pooled).count();
    if (unet == UnetSignature.SDXL && pooled != 1) {
      throw new IllegalArgumentException(
          "an sdxl UNet needs exactly one pooled text encoder (its text_embeds), got " + pooled);
    }
    if (unet == UnetSignature.SD && pooled != 0) {
      throw new IllegalArgumentException("an sd UNet takes no pooled text_embeds");
    }
    if (fullPrecisionMinSide < 1) {
      throw new IllegalArgumentException(
          "full_precision_min_side must be positive, got " + fullPrecisionMinSide);
    }
    if (unetVariants.isEmpty()) {
      throw new IllegalArgumentException("unet.variants must name at least one UNet file");
    }
  }

  /** Width of the concatenated hidden states. */
  public int hiddenSize() {
    return textEncoders.stream().mapToInt(TextEncoderSpec::hiddenSize).sum();
  }

  /** Width of the pooled {@code text_embeds} (0 without). */
  public int pooledSize() {
    return textEncoders.stream().mapToInt(TextEncoderSpec::pooledSize).sum();
  }
}
