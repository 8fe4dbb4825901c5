package com.catalogrender.embedding;

import com.redislabs.provider.redis.RedisEndpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The embedding cache in Redis, through spark-redis's executor-wide Jedis pool for the endpoint
 * ({@code spark.redis.host}, {@code port}, {@code auth}, {@code db}, {@code timeout}). Per batch:
 * one MGET for all keys, one pipelined SETEX (TTL on every key) for the misses.
 *
 * <p>When Redis is down or slow, the failure is logged once per executor, the batch renders without
 * the cache (all misses, counted), and Redis is not asked again for {@code
 * embedding_cache_retry_seconds}; after that it is tried again, so a restarted Redis is picked up.
 */
final class RedisEmbeddingCache implements EmbeddingCache {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEmbeddingCache.class);

  private final RedisEndpoint endpoint;
  private final int ttlSeconds;
  private final long retryNanos;
  private final AtomicLong closedUntil = new AtomicLong(Long.MIN_VALUE);
  private final AtomicBoolean warned = new AtomicBoolean();

  RedisEmbeddingCache(RedisEndpoint endpoint, long ttlSeconds, double retrySeconds) {
    this.endpoint = endpoint;
    this.ttlSeconds = (int) Math.min(Integer.MAX_VALUE, ttlSeconds);
    this.retryNanos = Math.round(retrySeconds * 1e9);
  }

  @Override
  public Lookup getAll(byte[][] keys) {
    if (skipping()) {
      return new Lookup(new byte[keys.length][], true);
    }
    try (Jedis jedis = endpoint.connect()) {
      List<byte[]> values = jedis.mget(keys);
      return new Lookup(values.toArray(new byte[0][]), false);
    } catch (RuntimeException e) {
      failed("read", e);
      return new Lookup(new byte[keys.length][], true);
    }
  }

  @Override
  public boolean putAll(byte[][] keys, byte[][] values) {
    if (keys.length == 0) {
      return true;
    }
    if (skipping()) {
      return false;
    }
    try (Jedis jedis = endpoint.connect()) {
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < keys.length; i++) {
        pipeline.setex(keys[i], ttlSeconds, values[i]);
      }
      pipeline.sync();
      return true;
    } catch (RuntimeException e) {
      failed("write", e);
      return false;
    }
  }

  private boolean skipping() {
    return System.nanoTime() < closedUntil.get();
  }

  private void failed(String what, RuntimeException e) {
    closedUntil.set(System.nanoTime() + retryNanos);
    if (warned.compareAndSet(false, true)) {
      LOG.warn(
          "Embedding cache at redis://{}:{} failed to {} ({}: {}); rendering without it, retrying"
              + " every {}s (logged once per executor)",
          endpoint.host(),
          endpoint.port(),
          what,
          e.getClass().getSimpleName(),
          e.getMessage(),
          retryNanos / 1e9);
    }
  }

  @Override
  public String describe() {
    return "redis://" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.dbNum();
  }
}
