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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites prompts through an OpenAI-compatible gateway ({@code POST /v1/chat/completions}).
 *
 * <p>Retries timeouts, connection failures and HTTP 429/500/502/503/504 with exponential backoff
 * and full jitter, waiting what {@code Retry-After} asks (capped at {@code
 * gateway.max_backoff_seconds}); other statuses and unusable answers (empty, over-long, control
 * characters, not the OpenAI schema) fail at once. A circuit breaker stops calling the gateway
 * after {@code gateway.circuit_breaker_failures} prompts in a row failed, so an outage costs
 * seconds, not hours. Failures surface as {@link CaptionUnavailableException}; the caller renders
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
                  .digest(SYSTEM_PROMPT.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String SYSTEM_PROMPT =
      "You rewrite e-commerce product prompts into captions for a text-to-image diffusion model."
          + " Keep the product, its colour and its background exactly as given. Add one lighting"
          + " phrase, framing and camera details. Answer with the caption only, one line, no quotes.";

  private final GatewaySettings settings;
  private final GatewayApiKey key;
  private final HttpClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  public GatewayCaptionRewriter(GatewaySettings settings, GatewayApiKey key) {
    this.settings = settings;
    this.key = key;
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
    if (circuitOpen()) {
      throw new CaptionUnavailableException(
          "gateway not called: "
              + consecutiveFailures.get()
              + " prompts in a row failed (gateway.circuit_breaker_failures="
              + settings.circuitBreakerFailures()
              + "); last: "
              + lastFailure.get(),
          0,
          0);
    }
    String reason = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      requests++;
      Duration wait;
      try {
        HttpResponse<String> response =
            client.send(
                request(category, prompt, bypassCache), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) {
          Caption caption = parse(response, requests, seconds(start));
          consecutiveFailures.set(0);
          return caption;
        }
        reason = "gateway answered HTTP " + status + errorDetail(response.body());
        if (!RETRYABLE.contains(status)) {
          throw failed(reason, requests, start);
        }
        wait = retryAfter(response).orElse(null);
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
      sleep(wait != null ? cap(wait) : backoff(attempt));
    }
    throw failed(
        reason + " (after " + requests + " attempt" + (requests == 1 ? "" : "s") + ")",
        requests,
        start);
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

  private Caption parse(HttpResponse<String> response, int requests, double seconds)
      throws CaptionUnavailableException {
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (IOException e) {
      throw unusable("the gateway's answer is not JSON", requests, seconds);
    }
    JsonNode content = body.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw unusable("the gateway's answer has no choices[0].message.content", requests, seconds);
    }
    String text = content.asText().strip();
    String problem = captionProblem(text, settings.maxCaptionChars());
    if (problem != null) {
      throw unusable("the gateway answered " + problem, requests, seconds);
    }
    GatewayFlavor.Answer answer = settings.flavor().read(response.headers(), body);
    JsonNode usage = body.path("usage");
    String model = body.path("model").isTextual() ? body.path("model").asText() : settings.model();
    boolean hit = answer.cacheHit();
    return new Caption(
        text,
        hit ? Caption.GATEWAY_CACHE : Caption.GATEWAY,
        model,
        answer.provider(),
        hit ? 0 : usage.path("prompt_tokens").asLong(0),
        hit ? 0 : usage.path("completion_tokens").asLong(0),
        hit ? Double.valueOf(0) : answer.reportedCostUsd(),
        requests,
        seconds,
        null);
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

  private CaptionUnavailableException unusable(String reason, int requests, double seconds) {
    // garbage is not retried: at temperature 0 the same request gives the same answer
    recordFailure(reason);
    return new CaptionUnavailableException(reason, requests, seconds);
  }

  private CaptionUnavailableException failed(String reason, int requests, long start) {
    String masked = key == null ? reason : key.mask(reason);
    recordFailure(masked);
    return new CaptionUnavailableException(masked, requests, seconds(start));
  }

  private void recordFailure(String reason) {
    lastFailure.set(reason);
    int failures = consecutiveFailures.incrementAndGet();
    if (failures == settings.circuitBreakerFailures()) {
      LOG.warn(
          "Caption gateway {}: {} prompts in a row failed (last: {}); the rest of this run uses"
              + " the template caption",
          settings.endpoint(),
          failures,
          reason);
    }
  }

  private boolean circuitOpen() {
    return consecutiveFailures.get() >= settings.circuitBreakerFailures();
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
