package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.results.CaptionFigures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptionPhaseTest {
  private static final CaptionSettings GATEWAY =
      CaptionSettings.parse(
          Map.of(
              "caption_rewriter", "gateway",
              "gateway.url", "http://127.0.0.1:1/v1/chat/completions",
              "gateway.concurrency", "32"));

  /** 30,000 prompts rewritten through the gateway. */
  private static CaptionFigures figures(CaptionSettings settings) {
    return new CaptionFigures(
        settings.rewriter(), 30_000, 30_000, 30_000, 30_000, 14_000, 0, 0, 0, 0, 0, 0, 164);
  }

  @Test
  void aRenderHeldBackByCaptionsIsToldTheConcurrencyThatWouldHaveKeptUp() {
    // 164 s of captions (183 prompts/s) for 161 s of waves, 15 s of them waiting: the render would
    // have taken 30,000 prompts in 146 s (205/s); 32 x 205/183 x 1.25 = 44.9
    String advice = CaptionPhase.concurrencyAdvice(figures(GATEWAY), GATEWAY, 164, 15, 161);
    assertTrue(advice != null && advice.contains("gateway.concurrency=45"), advice);
    assertTrue(advice.contains("--gateway-concurrency 45"), advice);
    assertTrue(advice.contains("183 prompts/s with 32 requests in flight"), advice);
    assertTrue(advice.contains("205 prompts/s"), advice);
  }

  @Test
  void noAdviceWhenTheRenderBarelyWaitedOrNoGatewayAnswered() {
    // 2.6 s of 200 s: under 5%
    assertNull(CaptionPhase.concurrencyAdvice(figures(GATEWAY), GATEWAY, 164, 2.6, 200));
    // the template rewriter has no concurrency to raise
    CaptionSettings template = CaptionSettings.TEMPLATE_DEFAULT;
    assertNull(CaptionPhase.concurrencyAdvice(figures(template), template, 164, 15, 161));
    // a gateway that never answered: nothing was measured
    CaptionFigures none = CaptionFigures.none("gateway");
    assertNull(CaptionPhase.concurrencyAdvice(none, GATEWAY, 0, 15, 161));
  }
}
