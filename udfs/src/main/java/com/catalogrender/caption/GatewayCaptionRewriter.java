package com.catalogrender.caption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites prompts through an OpenAI-compatible gateway ({@code POST /v1/chat/completions}).
 *
 * <p>Retries timeouts, connection failures and HTTP 429/500/502/503/504 with exponential backoff
 * and full jitter, waiting what {@code Retry-After} asks (capped at {@code
 * gateway.max_backoff_seconds}); other statuses fail at once. A rate limit is the gateway's, not
 * one prompt's: a {@code Retry-After} pauses every request of the run until it has passed, not only
 * the prompt that received it. An answer is read the way chat models write it ({@link ChatAnswer}:
 * preamble, label, quotes, markdown, wrapped lines, alternatives are normalised and named in the
 * caption's reason); what remains unusable (empty, over-long, control characters, not the chat
 * schema) or drops a word the prompt requires ({@link RequiredPromptWords}) fails at once, its
 * tokens still charged.
 *
 * <p>A circuit breaker stops calling the gateway after {@code gateway.circuit_breaker_failures}
 * prompts in a row failed. Under concurrency, prompts that are retrying count towards it too: while
 * failed prompts plus retrying ones reach the threshold, no new prompt starts, and once it opens,
 * prompts in flight stop retrying; so an outage costs at most max(concurrency, threshold) x
 * attempts requests. Failures surface as {@link CaptionUnavailableException}; the caller renders
 * the row with the template caption. Thread-safe; the caller bounds concurrency.
 */
public final class GatewayCaptionRewriter implements CaptionRewriter {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayCaptionRewriter.class);
  private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);
  private static final int MAX_TOKENS = 96;

  /** The prompt template's version: the sha256 of the system prompt, so any edit changes it. */
  public static String promptVersion() {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(
                      (SYSTEM_PROMPT + "\n" + ANSWER_RULES)
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String SYSTEM_PROMPT =
      "You rewrite e-commerce product prompts into captions for a text-to-image diffusion model."
          + " Keep the product, its colour and its background exactly as given. Add one lighting"
          + " phrase, framing and camera details. Answer with the caption only, one line, no quotes.";

  /**
   * Bump when how answers are read changes (normalisation, required words): the same answer may now
   * give another caption.
   */
  static final String ANSWER_RULES = "answers-2";

  private final GatewaySettings settings;
  private final GatewayApiKey key;
  private final HttpClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final Collection<String> modelWords;
  private final Object breaker = new Object();
  private int consecutiveFailures; // guarded by breaker
  private int retrying; // prompts in flight after a failed attempt; guarded by breaker
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  /** No request starts before this {@link System#nanoTime} (the latest Retry-After). */
  private final java.util.concurrent.atomic.AtomicLong pausedUntil =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  /** A rewriter for a model that declares no words of its own. */
  public GatewayCaptionRewriter(GatewaySettings settings, GatewayApiKey key) {
    this(settings, key, List.of());
  }

  /**
   * @param modelWords the words the run's model declares it knows (its categories, colours and
   *     backgrounds), which {@code gateway.require_prompt_words=auto} requires a caption to keep
   */
  public GatewayCaptionRewriter(
      GatewaySettings settings, GatewayApiKey key, Collection<String> modelWords) {
    this.settings = settings;
    this.key = key;
    this.modelWords = List.copyOf(modelWords);
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .build();
  }

  @Override
  public Caption rewrite(String category, String prompt, boolean bypassCache)
      throws CaptionUnavailableException {
    long start = System.nanoTime();
    int requests = 0;
    admit();
    String reason = null;
    boolean failedOnce = false;
    try {
      for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
        if (attempt > 1 && circuitOpen()) {
          throw new CaptionUnavailableException(
              "gateway not retried: the circuit breaker opened ("
                  + settings.circuitBreakerFailures()
                  + " prompts in a row failed); this prompt's last: "
                  + reason,
              requests,
              seconds(start),
              null,
              true);
        }
        requests++;
        Duration wait;
        try {
          waitForRateLimit();
          HttpResponse<String> response =
              client.send(
                  request(category, prompt, bypassCache), HttpResponse.BodyHandlers.ofString());
          int status = response.statusCode();
          if (status == 200) {
            Caption caption = parse(prompt, response, requests, seconds(start));
            succeeded();
            return caption;
          }
          reason = "gateway answered HTTP " + status + errorDetail(response.body());
          if (!RETRYABLE.contains(status)) {
            throw failed(reason, requests, start);
          }
          wait = retryAfter(response).map(this::cap).orElse(null);
          if (wait != null) {
            long until = System.nanoTime() + wait.toNanos();
            pausedUntil.accumulateAndGet(until, Math::max);
          }
        } catch (HttpTimeoutException e) {
          reason = "gateway timed out after " + settings.timeout().toMillis() / 1000.0 + "s";
          wait = null;
        } catch (IOException e) {
          reason = "gateway connection failed: " + e.getClass().getSimpleName() + detail(e);
          wait = null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw failed("interrupted while calling the gateway", requests, start);
        }
        if (attempt == settings.maxAttempts()) {
          break;
        }
        if (!failedOnce) {
          failedOnce = true;
          synchronized (breaker) {
            retrying++;
          }
        }
        if (wait == null) {
          sleep(backoff(attempt)); // a Retry-After is waited for before the next attempt
        }
      }
      throw failed(
          reason + " (after " + requests + " attempt" + (requests == 1 ? "" : "s") + ")",
          requests,
          start);
    } finally {
      if (failedOnce) {
        synchronized (breaker) {
          retrying--;
          breaker.notifyAll();
        }
      }
    }
  }

  /**
   * Lets a prompt start: at once while the gateway answers; while failed prompts plus retrying ones
   * reach the threshold, waits until one of them ends; once the breaker is open, refuses.
   */
  private void admit() throws CaptionUnavailableException {
    synchronized (breaker) {
      while (consecutiveFailures < settings.circuitBreakerFailures()
          && consecutiveFailures + retrying >= settings.circuitBreakerFailures()) {
        try {
          breaker.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CaptionUnavailableException(
              "interrupted while waiting for the gateway", 0, 0, null, false);
        }
      }
      if (consecutiveFailures >= settings.circuitBreakerFailures()) {
        throw new CaptionUnavailableException(
            "gateway not called: "
                + consecutiveFailures
                + " prompts in a row failed (gateway.circuit_breaker_failures="
                + settings.circuitBreakerFailures()
                + "); last: "
                + lastFailure.get(),
            0,
            0,
            null,
            true);
      }
    }
  }

  private HttpRequest request(String category, String prompt, boolean bypassCache) {
    ObjectNode body = json.createObjectNode();
    body.put("model", settings.model());
    var messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
    messages
        .addObject()
        .put("role", "user")
        .put("content", "Category: " + (category == null ? "" : category) + "\nPrompt: " + prompt);
    body.put("max_tokens", MAX_TOKENS);
    body.put("temperature", 0);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.endpoint())
            .timeout(settings.timeout())
            .header("Content-Type", "application/json");
    settings.flavor().authenticate(request, key == null ? null : key.value());
    settings
        .flavor()
        .cacheControls(
            request, body, settings, GatewaySettings.cachePartition(category), bypassCache);
    return request.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
  }

  private Caption parse(String prompt, HttpResponse<String> response, int requests, double seconds)
      throws CaptionUnavailableException {
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (IOException e) {
      throw unusable("the gateway's answer is not JSON", null, requests, seconds);
    }
    JsonNode content = body.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw unusable(
          "the gateway's answer has no choices[0].message.content", null, requests, seconds);
    }
    ChatAnswer answer = ChatAnswer.read(content.asText());
    GatewayFlavor.Answer read = settings.flavor().read(response.headers(), body);
    JsonNode usage = body.path("usage");
    String model = body.path("model").isTextual() ? body.path("model").asText() : settings.model();
    boolean hit = read.cacheHit();
    Caption caption =
        new Caption(
            answer.caption(),
            hit ? Caption.GATEWAY_CACHE : Caption.GATEWAY,
            model,
            read.provider(),
            hit ? 0 : usage.path("prompt_tokens").asLong(0),
            hit ? 0 : usage.path("completion_tokens").asLong(0),
            hit ? Double.valueOf(0) : read.reportedCostUsd(),
            requests,
            seconds,
            answer.describe());
    String problem = captionProblem(answer.caption(), settings.maxCaptionChars());
    if (problem != null) {
      String normalised = answer.reshaped() ? " (" + answer.describe() + ")" : "";
      throw unusable("the gateway answered " + problem + normalised, caption, requests, seconds);
    }
    String dropped = settings.requirePromptWords().dropped(prompt, answer.caption(), modelWords);
    if (dropped != null) {
      throw unusable("caption dropped '" + dropped + "'", caption, requests, seconds);
    }
    return caption;
  }

  /** Why an answer is not a usable caption, or null. */
  static String captionProblem(String text, int maxChars) {
    if (text.isEmpty()) {
      return "an empty caption";
    }
    if (text.length() > maxChars) {
      return "a caption of "
          + text.length()
          + " characters, more than gateway.max_caption_chars="
          + maxChars;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("a caption with control character U+%04X at position %d", (int) c, i);
      }
    }
    return null;
  }

  private CaptionUnavailableException unusable(
      String reason, Caption answered, int requests, double seconds) {
    // not retried: at temperature 0 the same request gives the same answer. An answer outside the
    // chat schema says the gateway is misconfigured and counts towards the breaker; a caption this
    // client rejects came from a working gateway, which counts as one
    if (answered == null) {
      recordFailure(reason);
    } else {
      lastFailure.set(reason);
      succeeded();
    }
    return new CaptionUnavailableException(reason, requests, seconds, answered, false);
  }

  private CaptionUnavailableException failed(String reason, int requests, long start) {
    String masked = key == null ? reason : key.mask(reason);
    recordFailure(masked);
    return new CaptionUnavailableException(masked, requests, seconds(start));
  }

  private void succeeded() {
    synchronized (breaker) {
      consecutiveFailures = 0;
      breaker.notifyAll();
    }
  }

  private void recordFailure(String reason) {
    lastFailure.set(reason);
    int failures;
    synchronized (breaker) {
      failures = ++consecutiveFailures;
      breaker.notifyAll();
    }
    if (failures == settings.circuitBreakerFailures()) {
      LOG.warn(
          "Caption gateway {}: {} prompts in a row failed (last: {}); the rest of this run uses"
              + " the template caption",
          settings.endpoint(),
          failures,
          reason);
    }
  }

  /** Waits until the gateway's latest Retry-After has passed (every thread of the run does). */
  private void waitForRateLimit() throws InterruptedException {
    long wait;
    while ((wait = pausedUntil.get() - System.nanoTime()) > 0) {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private boolean circuitOpen() {
    synchronized (breaker) {
      return consecutiveFailures >= settings.circuitBreakerFailures();
    }
  }

  private String errorDetail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return ": " + (oneLine.length() > 160 ? oneLine.substring(0, 160) + "..." : oneLine);
  }

  private static String detail(Exception e) {
    return e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
  }

  /** Retry-After as seconds or an HTTP date. */
  private static java.util.Optional<Duration> retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(
            value -> {
              try {
                return java.util.Optional.of(
                    Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000)));
              } catch (NumberFormatException e) {
                try {
                  ZonedDateTime at =
                      ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                  return java.util.Optional.of(Duration.between(ZonedDateTime.now(), at));
                } catch (RuntimeException notADate) {
                  return java.util.Optional.empty();
                }
              }
            });
  }

  private Duration cap(Duration wait) {
    long max = Math.round(settings.maxBackoffSeconds() * 1000);
    return Duration.ofMillis(Math.max(0, Math.min(max, wait.toMillis())));
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
  private Duration backoff(int attempt) {
    double ceiling =
        Math.min(
            settings.maxBackoffSeconds(), settings.backoffSeconds() * Math.pow(2, attempt - 1));
    return Duration.ofMillis(Math.round(ThreadLocalRandom.current().nextDouble() * ceiling * 1000));
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
