package com.catalogrender.caption;

/**
 * Turns a customer prompt of a category into a diffusion caption with lighting, framing and camera
 * details. Implementations: {@link TemplateCaptionRewriter} (offline, deterministic) and {@link
 * GatewayCaptionRewriter} (an LLM behind an OpenAI-compatible gateway). Thread-safe.
 */
public interface CaptionRewriter extends AutoCloseable {

  /**
   * Rewrites one prompt.
   *
   * @param bypassCache ask the gateway not to answer from, nor store into, its semantic cache
   * @throws CaptionUnavailableException when no usable caption came back; the caller falls back
   */
  Caption rewrite(String category, String prompt, boolean bypassCache)
      throws CaptionUnavailableException;

  @Override
  default void close() {}
}
