package com.catalogrender.results;

/**
 * What a run's caption phase did.
 *
 * @param rewriter template or gateway
 * @param distinctPrompts distinct (category, prompt) pairs rewritten
 * @param rewrites rewrites done (= distinct with dedupe, = rows without)
 * @param httpRequests HTTP requests sent to the gateway, retries included
 * @param gatewayAnswers rewrites the gateway answered (from a model or its cache)
 * @param cacheHits answers from the gateway's semantic cache
 * @param fallbacks rewrites that fell back to the template
 * @param bypassedPrompts distinct prompts of long-tail categories that bypassed the cache
 * @param normalisedAnswers gateway answers used after normalising (preamble, quotes, ...)
 * @param rejectedAnswers gateway answers billed but not used (unusable, or a required word dropped)
 * @param breakerSavedPrompts rewrites the circuit breaker stopped: never sent, or retries cut short
 * @param apiEur what the gateway calls cost
 * @param seconds driver seconds spent rewriting (retries and fallbacks included)
 */
public record CaptionFigures(
    String rewriter,
    long distinctPrompts,
    long rewrites,
    long httpRequests,
    long gatewayAnswers,
    long cacheHits,
    long fallbacks,
    long bypassedPrompts,
    long normalisedAnswers,
    long rejectedAnswers,
    long breakerSavedPrompts,
    double apiEur,
    double seconds) {

  /** A run that captioned nothing with {@code rewriter}. */
  public static CaptionFigures none(String rewriter) {
    return new CaptionFigures(rewriter, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** Gateway answers served from its cache, per answer (null when no gateway answered). */
  public Double cacheHitRate() {
    return gatewayAnswers == 0 ? null : (double) cacheHits / gatewayAnswers;
  }
}
