package com.catalogrender.diffusion;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (Stable Diffusion's CLIP tokenizers: byte-level BPE, word
 * ends marked {@code </w>}, lower-cased) run by the Hugging Face tokenizers library through DJL,
 * offline, with its native library from the jar. Its post-processor adds the start- and end-of-text
 * tokens; the ids are then fitted to the encoder as CLIP's pipelines do: truncated to {@code
 * maxLength} keeping the end-of-text token last, padded with the pad id.
 */
public final class PretrainedTokenizer implements PromptTokenizer {
  private final HuggingFaceTokenizer tokenizer;
  private final TextEncoderSpec spec;

  private PretrainedTokenizer(HuggingFaceTokenizer tokenizer, TextEncoderSpec spec) {
    this.tokenizer = tokenizer;
    this.spec = spec;
  }

  /** Loads {@code file} for the encoder {@code spec}; the error names the file. */
  public static PretrainedTokenizer load(Path file, TextEncoderSpec spec) {
    try {
      return new PretrainedTokenizer(
          HuggingFaceTokenizer.newInstance(
              file, Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")),
          spec);
    } catch (IOException | RuntimeException e) {
      throw new ModelArtifactException(
          "Cannot load tokenizer " + file + " (a Hugging Face tokenizer.json): " + e.getMessage(),
          e);
    }
  }

  @Override
  public long[] encode(String text) {
    Encoding encoding = tokenizer.encode(text == null ? "" : text);
    long[] raw = encoding.getIds();
    int length = spec.maxLength();
    long[] out = new long[length];
    java.util.Arrays.fill(out, spec.padId());
    int start = raw.length > 0 && raw[0] == spec.bosId() ? 1 : 0;
    out[0] = spec.bosId();
    int position = 1;
    for (int i = start; i < raw.length && position < length - 1; i++) {
      if (raw[i] == spec.eosId()) {
        break;
      }
      out[position++] = raw[i];
    }
    out[position] = spec.eosId();
    for (long id : out) {
      if (id < 0 || id >= spec.vocabularySize()) {
        throw new ModelArtifactException(
            "Tokenizer of "
                + spec.file()
                + " produced id "
                + id
                + ", outside the encoder's vocabulary of "
                + spec.vocabularySize()
                + ": the tokenizer does not belong to this encoder");
      }
    }
    return out;
  }

  @Override
  public int length() {
    return spec.maxLength();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
