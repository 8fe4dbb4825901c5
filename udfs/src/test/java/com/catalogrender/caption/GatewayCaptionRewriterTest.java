package com.catalogrender.caption;

import static com.catalogrender.caption.GatewaySettings.CIRCUIT_BREAKER_FAILURES;
import static com.catalogrender.caption.GatewaySettings.MAX_ATTEMPTS;
import static com.catalogrender.caption.GatewaySettings.TIMEOUT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayCaptionRewriterTest {
  private static final String KEY = "sk-test-4f9a1c0b7e";

  private static GatewaySettings settings(FakeGateway gateway, String... extra) {
    Map<String, String> s = new HashMap<>();
    s.put(GatewaySettings.URL, gateway.url());
    s.put(GatewaySettings.BACKOFF_SECONDS, "0.01");
    s.put(GatewaySettings.MAX_BACKOFF_SECONDS, "0.5");
    s.put(GatewaySettings.TIMEOUT_SECONDS, "2");
    for (int i = 0; i < extra.length; i += 2) {
      s.put(extra[i], extra[i + 1]);
    }
    return GatewaySettings.parse(s);
  }

  private static GatewayCaptionRewriter rewriter(GatewaySettings settings) {
    return new GatewayCaptionRewriter(
        settings,
        GatewayApiKey.resolve(settings, Map.of(GatewaySettings.API_KEY_ENV_DEFAULT, KEY), null));
  }

  @Test
  void bifrostAnswersThenServesTheRepeatFromItsPartitionedCache() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.BIFROST)) {
      GatewayCaptionRewriter rewriter =
          rewriter(settings(gateway, GatewaySettings.FLAVOR, "bifrost"));
      Caption first = rewriter.rewrite("mugs", "red mug on wood", false);
      assertEquals("red mug on wood, studio lighting from upper-left", first.text());
      assertEquals(Caption.GATEWAY, first.source());
      assertEquals("gpt-4o-mini-2024-07-18", first.model());
      assertEquals("openai", first.provider());
      assertEquals(FakeGateway.promptTokens("red mug on wood"), first.tokensIn());
      assertEquals(FakeGateway.COMPLETION_TOKENS, first.tokensOut());
      assertEquals(1, first.httpRequests());

      Caption again = rewriter.rewrite("mugs", "red mug on wood", false);
      assertEquals(Caption.GATEWAY_CACHE, again.source());
      assertEquals(0, again.tokensIn());

      Map<String, String> headers = gateway.received().get(0).headers();
      assertEquals("Bearer " + KEY, headers.get("authorization"));
      assertEquals("catalog-render:mugs", headers.get("x-bf-cache-key"));
      assertEquals("0.94", headers.get("x-bf-cache-threshold"));
      assertEquals("semantic", headers.get("x-bf-cache-type"));
      assertEquals("2592000s", headers.get("x-bf-cache-ttl"));
      assertFalse(headers.containsKey("x-bf-cache-no-store"));
    }
  }

  @Test
  void longTailRequestsBypassTheCacheInEachFlavorsWords() throws Exception {
    try (FakeGateway bifrost = new FakeGateway(GatewayFlavor.BIFROST);
        FakeGateway litellm = new FakeGateway(GatewayFlavor.LITELLM);
        FakeGateway portkey = new FakeGateway(GatewayFlavor.PORTKEY)) {
      rewriter(settings(bifrost, GatewaySettings.FLAVOR, "bifrost")).rewrite("urns", "urn", true);
      Map<String, String> b = bifrost.received().get(0).headers();
      assertEquals("true", b.get("x-bf-cache-no-store"));
      assertFalse(b.containsKey("x-bf-cache-key"));

      GatewayCaptionRewriter lite =
          rewriter(
              settings(
                  litellm,
                  GatewaySettings.FLAVOR,
                  "litellm",
                  GatewaySettings.FALLBACK_MODELS,
                  "claude-haiku-4-5"));
      lite.rewrite("urns", "urn", true);
      lite.rewrite("mugs", "mug", false);
      assertEquals(
          Caption.GATEWAY_CACHE, lite.rewrite("mugs", "mug", false).source(), "litellm hit");
      var bypass = litellm.received().get(0).body();
      assertTrue(bypass.path("cache").path("no-cache").asBoolean());
      assertTrue(bypass.path("cache").path("no-store").asBoolean());
      var cached = litellm.received().get(1).body();
      assertEquals("catalog-render:mugs", cached.path("cache").path("namespace").asText());
      assertEquals("claude-haiku-4-5", cached.path("fallbacks").path(0).asText());

      GatewayCaptionRewriter pk = rewriter(settings(portkey, GatewaySettings.FLAVOR, "portkey"));
      pk.rewrite("urns", "urn", true);
      pk.rewrite("mugs", "mug", false);
      assertEquals(Caption.GATEWAY_CACHE, pk.rewrite("mugs", "mug", false).source());
      assertEquals(
          "true", portkey.received().get(0).headers().get("x-portkey-cache-force-refresh"));
      assertEquals(KEY, portkey.received().get(1).headers().get("x-portkey-api-key"));
      assertNull(portkey.received().get(1).headers().get("authorization"));
    }
  }

  @Test
  void retriesRateLimitsAndServerErrorsHonouringRetryAfter() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
      gateway.then(
          FakeGateway.Reply.retryAfter(429, "0.3"),
          FakeGateway.Reply.status(500),
          FakeGateway.Reply.status(503));
      Caption caption = rewriter(settings(gateway)).rewrite("mugs", "blue mug", false);
      assertEquals(Caption.GATEWAY, caption.source());
      assertEquals(4, caption.httpRequests());
      List<FakeGateway.Received> received = gateway.received();
      assertEquals(4, received.size());
      double waited = (received.get(1).atNanos() - received.get(0).atNanos()) / 1e9;
      assertTrue(waited >= 0.29, "waited " + waited + "s after Retry-After: 0.3");
    }
  }

  @Test
  void aRetryAfterPausesEveryPromptNotOnlyTheOneThatReceivedIt() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
      gateway.then(FakeGateway.Reply.retryAfter(429, "0.5"));
      GatewayCaptionRewriter rewriter = rewriter(settings(gateway, "gateway.concurrency", "4"));
      Thread limited =
          new Thread(
              () -> {
                try {
                  rewriter.rewrite("mugs", "red mug", false);
                } catch (CaptionUnavailableException e) {
                  throw new IllegalStateException(e);
                }
              });
      limited.start();
      while (gateway.received().isEmpty()) {
        Thread.sleep(5);
      }
      Thread.sleep(50); // the 429 has been answered: the pause is set
      Caption other = rewriter.rewrite("mugs", "blue mug", false);
      limited.join();
      assertEquals(Caption.GATEWAY, other.source());
      List<FakeGateway.Received> received = gateway.received();
      long limitedAt = received.get(0).atNanos();
      FakeGateway.Received blue =
          received.stream().filter(r -> r.prompt().equals("blue mug")).findFirst().orElseThrow();
      double after = (blue.atNanos() - limitedAt) / 1e9;
      assertTrue(after >= 0.45, "another prompt was sent " + after + "s after Retry-After: 0.5");
    }
  }

  @Test
  void timeoutsAndServerErrorsGiveUpAfterMaxAttemptsWithAReason() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
      gateway.always(FakeGateway.Reply.slow(3000));
      GatewayCaptionRewriter rewriter =
          rewriter(settings(gateway, TIMEOUT_SECONDS, "0.2", MAX_ATTEMPTS, "2"));
      CaptionUnavailableException e =
          assertThrows(
              CaptionUnavailableException.class, () -> rewriter.rewrite("mugs", "mug", false));
      assertEquals("gateway timed out after 0.2s (after 2 attempts)", e.getMessage());
      assertEquals(2, e.httpRequests());
    }
  }

  @Test
  void garbageAndClientErrorsAreNotRetriedAndNeverShowTheKey() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
      GatewayCaptionRewriter rewriter =
          rewriter(settings(gateway, GatewaySettings.MAX_CAPTION_CHARS, "40"));
      gateway.then(
          FakeGateway.Reply.content("   "),
          FakeGateway.Reply.content("red mug\u0007 on wood"),
          FakeGateway.Reply.content("x".repeat(41)),
          new FakeGateway.Reply(401, Map.of(), 0, "{\"error\":\"invalid api key " + KEY + "\"}"));
      assertEquals(
          "the gateway answered an empty caption",
          assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", "a", false))
              .getMessage());
      assertEquals(
          "the gateway answered a caption with control character U+0007 at position 7",
          assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", "b", false))
              .getMessage());
      assertEquals(
          "the gateway answered a caption of 41 characters, more than gateway.max_caption_chars=40",
          assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", "c", false))
              .getMessage());
      CaptionUnavailableException denied =
          assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", "d", false));
      assertEquals(
          "gateway answered HTTP 401: {\"error\":\"invalid api key ***\"}", denied.getMessage());
      assertEquals(4, gateway.received().size(), "one request each: none of these is retried");
    }
  }

  @Test
  void theCircuitOpensAfterConsecutiveFailuresSoAnOutageCostsNoMoreRequests() throws Exception {
    try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
      GatewayCaptionRewriter rewriter =
          rewriter(settings(gateway, MAX_ATTEMPTS, "2", CIRCUIT_BREAKER_FAILURES, "3"));
      gateway.always(FakeGateway.Reply.status(502));
      for (int i = 0; i < 3; i++) {
        String prompt = "p" + i;
        assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", prompt, false));
      }
      CaptionUnavailableException open =
          assertThrows(CaptionUnavailableException.class, () -> rewriter.rewrite("m", "p3", false));
      assertTrue(open.getMessage().startsWith("gateway not called: 3 prompts in a row failed"));
      assertEquals(0, open.httpRequests());
      assertEquals(6, gateway.received().size());
    }
  }

  /**
   * An outage under concurrency: 12 prompts, 8 in flight, 4 attempts each, the breaker at 8 (the
   * defaults). Before, every prompt ran all its attempts (48 requests); now retrying prompts count
   * towards the breaker, so the queued ones never start, and the requests are bounded by
   * concurrency x attempts.
   */
  @Test
  void anOutageUnderConcurrencyCostsAtMostConcurrencyTimesAttempts() throws Exception {
    for (int breaker : new int[] {8, 3}) {
      try (FakeGateway gateway = new FakeGateway(GatewayFlavor.OPENAI)) {
        GatewayCaptionRewriter rewriter =
            rewriter(
                settings(
                    gateway,
                    MAX_ATTEMPTS,
                    "4",
                    CIRCUIT_BREAKER_FAILURES,
                    Integer.toString(breaker),
                    GatewaySettings.MAX_BACKOFF_SECONDS,
                    "0.05"));
        gateway.always(FakeGateway.Reply.status(503));
        java.util.concurrent.ExecutorService pool =
            java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<CaptionUnavailableException>> outcomes =
            new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
          String prompt = "p" + i;
          outcomes.add(
              pool.submit(
                  () ->
                      assertThrows(
                          CaptionUnavailableException.class,
                          () -> rewriter.rewrite("m", prompt, false))));
        }
        int stopped = 0;
        int notCalled = 0;
        for (var outcome : outcomes) {
          CaptionUnavailableException e = outcome.get();
          stopped += e.stoppedByBreaker() ? 1 : 0;
          notCalled += e.httpRequests() == 0 ? 1 : 0;
        }
        pool.shutdown();
        int requests = gateway.received().size();
        assertTrue(requests <= 8 * 4, breaker + ": " + requests + " requests, more than 8 x 4");
        if (breaker == 8) {
          assertEquals(32, requests, "8 prompts ran all 4 attempts before the breaker opened");
          assertEquals(4, notCalled, "the 4 queued prompts were never sent");
          assertEquals(4, stopped);
        } else {
          // the breaker opens after 3 failed prompts; the queued 4 never start, and those in
          // flight stop at their next retry (how many that saves depends on timing)
          assertEquals(4, notCalled, "the 4 queued prompts were never sent");
          assertTrue(stopped >= 4, "stopped " + stopped);
        }
      }
    }
  }

  @Test
  void settingsNameTheBadValue() {
    Map<String, String> s = new HashMap<>();
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(s))
            .getMessage()
            .startsWith("gateway.url is required with caption_rewriter=gateway"));
    s.put(GatewaySettings.URL, "ftp://x");
    assertEquals(
        "gateway.url must be an http(s) URL such as http://127.0.0.1:8080, got 'ftp://x'",
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(s)).getMessage());
    s.put(GatewaySettings.URL, "http://127.0.0.1:9");
    s.put(GatewaySettings.FLAVOR, "kong");
    assertEquals(
        "gateway.flavor must be one of openai, bifrost, litellm, portkey, got 'kong'",
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(s)).getMessage());
    s.put(GatewaySettings.FLAVOR, "litellm");
    s.put("gateway.treshold", "0.9");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(s))
            .getMessage()
            .startsWith("Unknown gateway setting 'gateway.treshold'"));
    s.remove("gateway.treshold");
    assertEquals(
        "http://127.0.0.1:9/v1/chat/completions", GatewaySettings.parse(s).endpoint().toString());
  }
}
