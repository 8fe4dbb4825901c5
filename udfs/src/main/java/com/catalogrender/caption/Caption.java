package com.catalogrender.caption;

/**
 * One rewritten caption and what producing it took.
 *
 * @param text the diffusion caption
 * @param source {@code gateway}, {@code gateway_cache}, {@code template} or {@code
 *     template_fallback}
 * @param model the model that answered ({@code template} for the local rewriter)
 * @param provider the provider that answered, as the gateway reports it (null when unknown)
 * @param tokensIn prompt tokens billed by the provider (0 on a cache hit)
 * @param tokensOut completion tokens billed by the provider (0 on a cache hit)
 * @param reportedCostUsd the cost the gateway reported for the call, or null
 * @param httpRequests HTTP requests sent, retries included
 * @param seconds wall seconds spent, retries and waits included
 * @param reason why the template was used instead of the gateway (null otherwise)
 */
public record Caption(
    String text,
    String source,
    String model,
    String provider,
    long tokensIn,
    long tokensOut,
    Double reportedCostUsd,
    int httpRequests,
    double seconds,
    String reason) {

  public static final String GATEWAY = "gateway";
  public static final String GATEWAY_CACHE = "gateway_cache";
  public static final String TEMPLATE = "template";
  public static final String TEMPLATE_FALLBACK = "template_fallback";

  public boolean cacheHit() {
    return GATEWAY_CACHE.equals(source);
  }

  /**
   * The template caption after a failed gateway call, keeping its cost: the requests and seconds,
   * and, where the gateway answered with a caption that could not be used, that answer's model and
   * billed tokens.
   */
  public static Caption fallback(String templateText, CaptionUnavailableException failure) {
    Caption answered = failure.answered();
    if (answered == null) {
      return new Caption(
          templateText,
          TEMPLATE_FALLBACK,
          TEMPLATE,
          null,
          0,
          0,
          null,
          failure.httpRequests(),
          failure.seconds(),
          failure.getMessage());
    }
    return new Caption(
        templateText,
        TEMPLATE_FALLBACK,
        answered.model(),
        answered.provider(),
        answered.tokensIn(),
        answered.tokensOut(),
        answered.reportedCostUsd(),
        failure.httpRequests(),
        failure.seconds(),
        failure.getMessage());
  }

  /** Whether the gateway's answer needed normalising (its reason says what was done). */
  public boolean normalised() {
    return source.startsWith(GATEWAY) && reason != null;
  }
}
