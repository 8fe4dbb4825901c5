package com.catalogrender.caption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * How one kind of AI gateway is asked to use its semantic cache, and how it says what happened. All
 * speak OpenAI's {@code POST /v1/chat/completions}; they differ in the cache controls, the hit
 * flag, the reported cost and how provider fallbacks are given.
 *
 * <ul>
 *   <li>{@code bifrost}: headers {@code x-bf-cache-key} (the partition), {@code
 *       x-bf-cache-threshold}, {@code x-bf-cache-ttl}, {@code x-bf-cache-type: semantic}; bypass
 *       with no key and {@code x-bf-cache-no-store: true}; hit in {@code
 *       extra_fields.cache_debug.cache_hit}; cost in {@code usage.cost.total_cost}; fallbacks in
 *       the body.
 *   <li>{@code litellm}: body {@code "cache": {"namespace", "ttl"}}; bypass with {@code
 *       {"no-cache": true, "no-store": true}}; hit when the {@code x-litellm-cache-key} header
 *       comes back; cost in {@code x-litellm-response-cost}; fallbacks in the body. Its similarity
 *       threshold is the proxy's {@code similarity_threshold} setting, not a request field.
 *   <li>{@code portkey}: header {@code x-portkey-cache-namespace} and a semantic cache config;
 *       bypass with {@code x-portkey-cache-force-refresh: true}; hit when {@code
 *       x-portkey-cache-status} says HIT or SEMANTIC HIT; key in {@code x-portkey-api-key};
 *       fallbacks are part of the Portkey config, not of the request.
 *   <li>{@code openai}: a plain OpenAI-compatible endpoint: no cache controls, never a hit.
 * </ul>
 */
public enum GatewayFlavor {
  OPENAI,
  BIFROST,
  LITELLM,
  PORTKEY;

  /** What the gateway said about one answer. */
  public record Answer(boolean cacheHit, String provider, Double reportedCostUsd) {}

  public static GatewayFlavor parse(String key, String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " must be one of openai, bifrost, litellm, portkey, got '" + value + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Sets the key header of this flavor; the key is never logged. */
  void authenticate(HttpRequest.Builder request, String apiKey) {
    if (apiKey == null) {
      return;
    }
    if (this == PORTKEY) {
      request.header("x-portkey-api-key", apiKey);
    } else {
      request.header("Authorization", "Bearer " + apiKey);
    }
  }

  /**
   * Adds the cache controls: use the semantic cache partitioned by {@code partition} with the
   * threshold, or bypass it (neither read nor store) for a long-tail category.
   */
  void cacheControls(
      HttpRequest.Builder request,
      ObjectNode body,
      GatewaySettings settings,
      String partition,
      boolean bypass) {
    long ttl = settings.cacheTtlSeconds();
    switch (this) {
      case BIFROST -> {
        if (bypass || !settings.cache()) {
          request.header("x-bf-cache-no-store", "true");
        } else {
          request.header("x-bf-cache-key", partition);
          request.header("x-bf-cache-type", "semantic");
          request.header("x-bf-cache-threshold", Double.toString(settings.cacheThreshold()));
          request.header("x-bf-cache-ttl", ttl + "s");
        }
      }
      case LITELLM -> {
        ObjectNode cache = body.putObject("cache");
        if (bypass || !settings.cache()) {
          cache.put("no-cache", true);
          cache.put("no-store", true);
        } else {
          cache.put("namespace", partition);
          cache.put("ttl", ttl);
        }
      }
      case PORTKEY -> {
        if (bypass || !settings.cache()) {
          request.header("x-portkey-cache-force-refresh", "true");
        } else {
          request.header("x-portkey-cache-namespace", partition);
          request.header(
              "x-portkey-config", "{\"cache\":{\"mode\":\"semantic\",\"max_age\":" + ttl + "}}");
        }
      }
      case OPENAI -> {
        // no cache controls
      }
    }
    if ((this == BIFROST || this == LITELLM) && !settings.fallbackModels().isEmpty()) {
      var fallbacks = body.putArray("fallbacks");
      settings.fallbackModels().forEach(fallbacks::add);
    }
  }

  Answer read(HttpHeaders headers, JsonNode body) {
    return switch (this) {
      case BIFROST -> {
        JsonNode extra = body.path("extra_fields");
        JsonNode cost = body.path("usage").path("cost").path("total_cost");
        yield new Answer(
            extra.path("cache_debug").path("cache_hit").asBoolean(false),
            text(extra.path("provider")),
            cost.isNumber() ? cost.asDouble() : null);
      }
      case LITELLM -> {
        String key = headers.firstValue("x-litellm-cache-key").orElse("");
        Double cost =
            headers.firstValue("x-litellm-response-cost").map(GatewayFlavor::number).orElse(null);
        yield new Answer(!key.isBlank(), text(body.path("model")), cost);
      }
      case PORTKEY -> {
        String status =
            headers.firstValue("x-portkey-cache-status").orElse("").trim().toUpperCase(Locale.ROOT);
        yield new Answer(
            status.equals("HIT") || status.equals("SEMANTIC HIT"),
            headers.firstValue("x-portkey-provider").orElse(null),
            null);
      }
      case OPENAI -> new Answer(false, null, null);
    };
  }

  private static String text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }

  private static Double number(String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
