package com.catalogrender.diffusion;

import java.util.Locale;

/**
 * One text encoder of a pipeline and its tokenizer, as the manifest describes them. The encoder's
 * TorchScript module takes token ids {@code [n, maxLength]} and returns its last hidden state
 * (after the final layer norm), the penultimate layer's hidden states and the pooled output (at the
 * first end-of-text token, projected where the encoder has a projection); the demo model's encoder
 * returns the first of these.
 *
 * @param file the TorchScript file
 * @param tokenizer the {@code tokenizer.json} file, or null for the demo's word vocabulary
 * @param maxLength token sequence length (77 for CLIP)
 * @param bosId start-of-text id
 * @param eosId end-of-text id
 * @param padId the id that fills the sequence after the end-of-text token
 * @param vocabularySize rows of the encoder's token embedding: every id must be below it
 * @param hiddenSize width of the hidden states this encoder contributes
 * @param hiddenState which hidden states condition the UNet
 * @param pooled whether its pooled output is the UNet's {@code text_embeds} (SDXL's second encoder)
 * @param pooledSize width of that pooled output (0 when not pooled)
 */
public record TextEncoderSpec(
    String file,
    String tokenizer,
    int maxLength,
    int bosId,
    int eosId,
    int padId,
    int vocabularySize,
    int hiddenSize,
    HiddenState hiddenState,
    boolean pooled,
    int pooledSize) {

  /** Which hidden states of a CLIP text encoder condition the UNet. */
  public enum HiddenState {
    /** The last layer's, after the final layer norm (SD 1.x). */
    LAST(0),
    /** The penultimate layer's, without the final layer norm (SD 2.x, SDXL). */
    PENULTIMATE(1);

    private final int output;

    HiddenState(int output) {
      this.output = output;
    }

    /** Which output of the encoder module holds these states. */
    public int output() {
      return output;
    }

    static HiddenState parse(String text) {
      for (HiddenState state : values()) {
        if (state.name().toLowerCase(Locale.ROOT).equals(text)) {
          return state;
        }
      }
      throw new IllegalArgumentException(
          "text_encoders[].hidden_state must be last or penultimate, got '" + text + "'");
    }
  }

  /** Output of the encoder module that holds the pooled output. */
  public static final int POOLED_OUTPUT = 2;

  public TextEncoderSpec {
    if (maxLength < 2 || hiddenSize < 1 || vocabularySize < 1) {
      throw new IllegalArgumentException(
          "text encoder " + file + ": max_length, hidden_size and vocab_size must be positive");
    }
    for (int id : new int[] {bosId, eosId, padId}) {
      if (id < 0 || id >= vocabularySize) {
        throw new IllegalArgumentException(
            "text encoder "
                + file
                + ": special token id "
                + id
                + " is outside its vocabulary of "
                + vocabularySize);
      }
    }
    if (pooled && pooledSize < 1) {
      throw new IllegalArgumentException(
          "text encoder " + file + ": a pooled encoder needs pooled_size > 0");
    }
  }
}
