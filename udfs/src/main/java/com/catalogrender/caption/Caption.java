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

  /** This caption as the template fallback after a failed gateway call, keeping its cost. */
  public static Caption fallback(
      String templateText, int httpRequests, double seconds, String reason) {
    return new Caption(
        templateText, TEMPLATE_FALLBACK, TEMPLATE, null, 0, 0, null, httpRequests, seconds, reason);
  }
}
