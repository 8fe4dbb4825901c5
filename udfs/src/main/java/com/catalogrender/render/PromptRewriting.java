package com.catalogrender.render;

import com.catalogrender.caption.Caption;
import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.CaptionUnavailableException;
import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.cost.Rates;
import com.catalogrender.measure.Ticker;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites one distinct (category, prompt) of a run as often as its settings ask (once with dedupe,
 * once per row without), measures each rewrite, falls back to the template when the gateway cannot
 * answer, and prices what the gateway answered (tokens x the answering model's price).
 */
final class PromptRewriting {
  private static final Logger LOG = LoggerFactory.getLogger(PromptRewriting.class);

  private final CaptionSettings settings;
  private final CaptionRewriter rewriter;
  private final TemplateCaptionRewriter template = new TemplateCaptionRewriter();
  private final Rates rates;
  private final Ticker ticker;
  private final AtomicBoolean unpricedWarned = new AtomicBoolean();

  PromptRewriting(CaptionSettings settings, CaptionRewriter rewriter, Rates rates, Ticker ticker) {
    this.settings = settings;
    this.rewriter = rewriter;
    this.rates = rates;
    this.ticker = ticker;
  }

  /** One distinct pair, the rows sharing it, and how many calls it gets. */
  record Work(String category, String prompt, long rows, boolean bypass, long calls) {}

  record Rewritten(
      Caption caption,
      int httpRequests,
      int gatewayAnswers,
      int cacheHits,
      int fallbacks,
      int normalised,
      int rejected,
      int breakerStops,
      long tokensIn,
      long tokensOut,
      double apiEur,
      double seconds) {}

  Rewritten rewrite(Work w) {
    Caption last = null;
    int http = 0;
    int answers = 0;
    int hits = 0;
    int fallbacks = 0;
    int normalised = 0;
    int rejected = 0;
    int breakerStops = 0;
    long tokensIn = 0;
    long tokensOut = 0;
    double eur = 0;
    double seconds = 0;
    for (long call = 0; call < w.calls(); call++) {
      Caption caption;
      long start = ticker.nanoTime();
      try {
        caption = rewriter.rewrite(w.category(), w.prompt(), w.bypass());
      } catch (CaptionUnavailableException e) {
        caption = Caption.fallback(template.caption(w.category(), w.prompt()), e);
        rejected += e.answered() != null ? 1 : 0;
        breakerStops += e.stoppedByBreaker() ? 1 : 0;
      }
      normalised += caption.normalised() ? 1 : 0;
      http += caption.httpRequests();
      seconds += ticker.secondsSince(start);
      if (caption.source().startsWith(Caption.GATEWAY)) {
        answers++;
        hits += caption.cacheHit() ? 1 : 0;
      }
      fallbacks += Caption.TEMPLATE_FALLBACK.equals(caption.source()) ? 1 : 0;
      tokensIn += caption.tokensIn();
      tokensOut += caption.tokensOut();
      eur += price(caption);
      last = caption;
    }
    return new Rewritten(
        last,
        http,
        answers,
        hits,
        fallbacks,
        normalised,
        rejected,
        breakerStops,
        tokensIn,
        tokensOut,
        eur,
        seconds);
  }

  /** What the tokens a caption's gateway answer billed cost (a rejected answer's included). */
  private double price(Caption caption) {
    if (caption.tokensIn() + caption.tokensOut() == 0 && caption.reportedCostUsd() == null) {
      return 0;
    }
    Double eur =
        rates.captionEur(
            caption.model(), caption.tokensIn(), caption.tokensOut(), caption.reportedCostUsd());
    if (eur != null) {
      return eur;
    }
    String configured = settings.pricedModel();
    if (unpricedWarned.compareAndSet(false, true)) {
      LOG.warn(
          "Caption model '{}' has no price in the rates file and the gateway reported no cost;"
              + " priced as the configured model '{}'",
          caption.model(),
          configured);
    }
    return caption.tokensIn() * rates.llmEurPerToken(configured, false)
        + caption.tokensOut() * rates.llmEurPerToken(configured, true);
  }
}
