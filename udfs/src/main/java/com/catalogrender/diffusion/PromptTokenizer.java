package com.catalogrender.diffusion;

/**
 * Turns a caption into the fixed-length token ids a text encoder reads. Implementations: {@link
 * WordTokenizer} (the demo model's words) and {@link PretrainedTokenizer} (a Hugging Face {@code
 * tokenizer.json}, as Stable Diffusion's CLIP tokenizers). Thread-safe.
 */
public interface PromptTokenizer extends AutoCloseable {
  /** Token ids of one caption, always exactly {@link #length()} long. */
  long[] encode(String text);

  /** The sequence length every caption is truncated or padded to. */
  int length();

  @Override
  default void close() {}
}
