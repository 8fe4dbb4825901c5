package com.catalogrender.caption;

import com.catalogrender.config.SettingValues;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The caption gateway's settings ({@code gateway.*}), parsed once on the driver. The API key is not
 * a setting: it is read from the environment variable named by {@code gateway.api_key_env} or from
 * a Hadoop credential provider under {@code gateway.api_key_alias} (see {@link GatewayApiKey}).
 *
 * @param endpoint the chat completions URL
 * @param flavor which gateway: how cache controls, hits and costs are spoken
 * @param model the model asked for
 * @param fallbackModels models the gateway tries when the first fails (bifrost, litellm)
 * @param concurrency requests in flight at most
 * @param timeout per request
 * @param maxAttempts attempts per prompt, the first included
 * @param backoffSeconds first retry wait (doubling, full jitter)
 * @param maxBackoffSeconds longest wait, also the cap on a server's Retry-After
 * @param cache whether to use the gateway's semantic cache at all
 * @param cacheThreshold semantic similarity a cached answer must reach
 * @param cacheTtlSeconds how long the gateway keeps an answer
 * @param longTailCategories categories that always bypass the cache
 * @param longTailShare categories with less than this share of the run's rows bypass the cache
 * @param maxCaptionChars longer answers are garbage
 * @param circuitBreakerFailures after this many prompts in a row failed, stop calling the gateway
 *     for the rest of the run (every row still renders with the template caption)
 * @param requirePromptWords what a caption must keep of its prompt, or it falls back
 * @param apiKeyEnv environment variable holding the key
 * @param apiKeyAlias Hadoop credential provider alias holding the key
 */
public record GatewaySettings(
    URI endpoint,
    GatewayFlavor flavor,
    String model,
    List<String> fallbackModels,
    int concurrency,
    Duration timeout,
    int maxAttempts,
    double backoffSeconds,
    double maxBackoffSeconds,
    boolean cache,
    double cacheThreshold,
    long cacheTtlSeconds,
    Set<String> longTailCategories,
    double longTailShare,
    int maxCaptionChars,
    int circuitBreakerFailures,
    RequiredPromptWords requirePromptWords,
    String apiKeyEnv,
    String apiKeyAlias) {

  public static final String PREFIX = "gateway.";
  public static final String URL = "gateway.url";
  public static final String FLAVOR = "gateway.flavor";
  public static final String MODEL = "gateway.model";
  public static final String FALLBACK_MODELS = "gateway.fallback_models";
  public static final String CONCURRENCY = "gateway.concurrency";
  public static final String TIMEOUT_SECONDS = "gateway.timeout_seconds";
  public static final String MAX_ATTEMPTS = "gateway.max_attempts";
  public static final String BACKOFF_SECONDS = "gateway.backoff_seconds";
  public static final String MAX_BACKOFF_SECONDS = "gateway.max_backoff_seconds";
  public static final String CACHE = "gateway.cache";
  public static final String CACHE_THRESHOLD = "gateway.cache_threshold";
  public static final String CACHE_TTL_DAYS = "gateway.cache_ttl_days";
  public static final String LONG_TAIL_CATEGORIES = "gateway.long_tail_categories";
  public static final String LONG_TAIL_SHARE = "gateway.long_tail_share";
  public static final String MAX_CAPTION_CHARS = "gateway.max_caption_chars";
  public static final String CIRCUIT_BREAKER_FAILURES = "gateway.circuit_breaker_failures";
  public static final String REQUIRE_PROMPT_WORDS = "gateway.require_prompt_words";
  public static final String API_KEY_ENV = "gateway.api_key_env";
  public static final String API_KEY_ALIAS = "gateway.api_key_alias";
  public static final String API_KEY_ENV_DEFAULT = "CATALOG_RENDER_GATEWAY_API_KEY";
  public static final String API_KEY_ALIAS_DEFAULT = "catalog-render.gateway.api-key";

  public static final Set<String> KEYS =
      Set.of(
          URL,
          FLAVOR,
          MODEL,
          FALLBACK_MODELS,
          CONCURRENCY,
          TIMEOUT_SECONDS,
          MAX_ATTEMPTS,
          BACKOFF_SECONDS,
          MAX_BACKOFF_SECONDS,
          CACHE,
          CACHE_THRESHOLD,
          CACHE_TTL_DAYS,
          LONG_TAIL_CATEGORIES,
          LONG_TAIL_SHARE,
          MAX_CAPTION_CHARS,
          CIRCUIT_BREAKER_FAILURES,
          REQUIRE_PROMPT_WORDS,
          API_KEY_ENV,
          API_KEY_ALIAS);

  public GatewaySettings {
    fallbackModels = List.copyOf(fallbackModels);
    longTailCategories = Set.copyOf(longTailCategories);
  }

  /** Parses {@code gateway.*} from normalised settings (lower-case keys). */
  public static GatewaySettings parse(Map<String, String> s) {
    for (String key : s.keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Unknown gateway setting '" + key + "'; known: " + new TreeSet<>(KEYS));
      }
    }
    String url = s.get(URL);
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          URL
              + " is required with caption_rewriter=gateway: the gateway's base URL, e.g."
              + " http://127.0.0.1:8080 (Bifrost), http://127.0.0.1:4000 (LiteLLM)");
    }
    URI endpoint;
    try {
      URI base = URI.create(url.trim());
      if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
      String path = base.getPath() == null ? "" : base.getPath();
      endpoint =
          path.endsWith("/chat/completions")
              ? base
              : base.resolve(
                  (path.endsWith("/") ? path : path + "/")
                      + (path.contains("/v1") ? "" : "v1/")
                      + "chat/completions");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          URL + " must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'");
    }
    String model = s.getOrDefault(MODEL, "gpt-4o-mini").trim();
    if (model.isEmpty()) {
      throw new IllegalArgumentException(MODEL + " must name a model, e.g. gpt-4o-mini");
    }
    double backoff = decimal(s, BACKOFF_SECONDS, "0.5", 0, 60);
    double maxBackoff = decimal(s, MAX_BACKOFF_SECONDS, "20", 0, 600);
    if (maxBackoff < backoff) {
      throw new IllegalArgumentException(
          MAX_BACKOFF_SECONDS + " (" + maxBackoff + ") must be >= " + BACKOFF_SECONDS);
    }
    return new GatewaySettings(
        endpoint,
        GatewayFlavor.parse(FLAVOR, s.getOrDefault(FLAVOR, "openai")),
        model,
        list(s.get(FALLBACK_MODELS)),
        integer(s, CONCURRENCY, "64", 1, 256),
        Duration.ofMillis(Math.round(1000 * decimal(s, TIMEOUT_SECONDS, "20", 0.01, 600))),
        integer(s, MAX_ATTEMPTS, "4", 1, 20),
        backoff,
        maxBackoff,
        bool(s, CACHE, "true"),
        decimal(s, CACHE_THRESHOLD, "0.94", 0, 1),
        Math.round(decimal(s, CACHE_TTL_DAYS, "30", 0, 3650) * 86400),
        lowerSet(s.get(LONG_TAIL_CATEGORIES)),
        decimal(s, LONG_TAIL_SHARE, "0.01", 0, 1),
        integer(s, MAX_CAPTION_CHARS, "400", 16, 10_000),
        integer(s, CIRCUIT_BREAKER_FAILURES, "8", 1, 1_000_000),
        RequiredPromptWords.parse(
            REQUIRE_PROMPT_WORDS, s.getOrDefault(REQUIRE_PROMPT_WORDS, RequiredPromptWords.AUTO)),
        s.getOrDefault(API_KEY_ENV, API_KEY_ENV_DEFAULT).trim(),
        s.getOrDefault(API_KEY_ALIAS, API_KEY_ALIAS_DEFAULT).trim());
  }

  /** The partition of the gateway's semantic cache a category's prompts go to. */
  public static String cachePartition(String category) {
    return "catalog-render:"
        + (category == null ? "" : category.trim().toLowerCase(Locale.ROOT).replace(' ', '-'));
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  private static Set<String> lowerSet(String value) {
    Set<String> out = new TreeSet<>();
    list(value).forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static boolean bool(Map<String, String> s, String key, String fallback) {
    return SettingValues.bool(key, s.getOrDefault(key, fallback));
  }

  private static int integer(Map<String, String> s, String key, String fallback, int min, int max) {
    return SettingValues.integer(key, s.getOrDefault(key, fallback), min, max);
  }

  private static double decimal(
      Map<String, String> s, String key, String fallback, double min, double max) {
    return SettingValues.decimal(key, s.getOrDefault(key, fallback), min, max);
  }
}
