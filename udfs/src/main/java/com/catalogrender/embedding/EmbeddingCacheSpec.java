package com.catalogrender.embedding;

import com.redislabs.provider.redis.RedisEndpoint;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;

/**
 * Which embedding cache executors use, decided on the driver and shipped in the render spec.
 *
 * <p>{@code embedding_cache}: {@code auto} (the default: Redis when {@code spark.redis.host} is
 * set, else in-process), {@code redis}, {@code memory} or {@code off}. {@code
 * embedding_cache_ttl_days} (30), {@code embedding_cache_memory_entries} (20,000), {@code
 * embedding_cache_retry_seconds} (10: how long a failed Redis is left alone).
 *
 * @param mode the cache in use
 * @param redis spark-redis's endpoint ({@code spark.redis.*}), null unless mode is REDIS
 */
public record EmbeddingCacheSpec(
    Mode mode, RedisEndpoint redis, long ttlSeconds, int memoryEntries, double retrySeconds)
    implements Serializable {

  public enum Mode {
    OFF,
    MEMORY,
    REDIS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String MODE = "embedding_cache";
  public static final String TTL_DAYS = "embedding_cache_ttl_days";
  public static final String MEMORY_ENTRIES = "embedding_cache_memory_entries";
  public static final String RETRY_SECONDS = "embedding_cache_retry_seconds";
  public static final EmbeddingCacheSpec MEMORY_DEFAULT =
      new EmbeddingCacheSpec(Mode.MEMORY, null, 30L * 86400, 20_000, 10);

  private static final Map<EmbeddingCacheSpec, EmbeddingCache> EXECUTOR_WIDE =
      new ConcurrentHashMap<>();

  /**
   * Parses the settings; {@code spark.redis.*} come from the Spark conf, overridden by the same
   * keys in the settings (null conf: only the settings).
   */
  public static EmbeddingCacheSpec parse(Map<String, String> s, SparkConf spark) {
    String mode = s.getOrDefault(MODE, "auto").trim().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : s.entrySet()) {
      if (e.getKey().startsWith("spark.redis.")) {
        // a render --conf file or flag may name the Redis of this run
        spark =
            (spark == null ? new SparkConf(false) : spark.clone()).set(e.getKey(), e.getValue());
      }
    }
    boolean redisConfigured = spark != null && spark.contains("spark.redis.host");
    Mode chosen =
        switch (mode) {
          case "auto" -> redisConfigured ? Mode.REDIS : Mode.MEMORY;
          case "redis" -> {
            if (!redisConfigured) {
              throw new IllegalArgumentException(
                  MODE
                      + "=redis needs spark.redis.host (and spark.redis.port, spark.redis.auth if"
                      + " set): pass --spark-conf spark.redis.host=HOST");
            }
            yield Mode.REDIS;
          }
          case "memory" -> Mode.MEMORY;
          case "off" -> Mode.OFF;
          default ->
              throw new IllegalArgumentException(
                  MODE + " must be auto, redis, memory or off, got '" + mode + "'");
        };
    double ttlDays = number(s, TTL_DAYS, "30", 1.0 / 86400, 3650);
    double entries = number(s, MEMORY_ENTRIES, "20000", 1, 10_000_000);
    double retry = number(s, RETRY_SECONDS, "10", 0, 3600);
    return new EmbeddingCacheSpec(
        chosen,
        chosen == Mode.REDIS ? new RedisEndpoint(spark) : null,
        Math.round(ttlDays * 86400),
        (int) entries,
        retry);
  }

  /** The executor-wide cache of this spec (one per JVM: tasks share it and its Redis pool). */
  public EmbeddingCache executorWide() {
    return switch (mode) {
      case OFF -> EmbeddingCache.NONE;
      case MEMORY ->
          EXECUTOR_WIDE.computeIfAbsent(
              this, spec -> new InProcessEmbeddingCache(spec.memoryEntries()));
      case REDIS ->
          EXECUTOR_WIDE.computeIfAbsent(
              this,
              spec ->
                  new RedisEmbeddingCache(spec.redis(), spec.ttlSeconds(), spec.retrySeconds()));
    };
  }

  /** Where the cache is, for the console and the runs table: never the password. */
  public String describe() {
    return switch (mode) {
      case OFF -> "off";
      case MEMORY -> "memory";
      case REDIS -> "redis://" + redis.host() + ":" + redis.port() + "/" + redis.dbNum();
    };
  }

  @Override
  public String toString() {
    return "EmbeddingCacheSpec[" + describe() + ", ttl " + ttlSeconds + "s]";
  }

  private static double number(
      Map<String, String> s, String key, String fallback, double min, double max) {
    return com.catalogrender.config.SettingValues.decimal(
        key, s.getOrDefault(key, fallback), min, max);
  }
}
