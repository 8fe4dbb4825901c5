package com.catalogrender.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

class EmbeddingCacheTest {

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static EmbeddingCacheSpec redisSpec(int port, String retrySeconds) {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.redis.host", "127.0.0.1")
            .set("spark.redis.port", Integer.toString(port))
            .set("spark.redis.timeout", "500");
    return EmbeddingCacheSpec.parse(
        Map.of(EmbeddingCacheSpec.TTL_DAYS, "30", EmbeddingCacheSpec.RETRY_SECONDS, retrySeconds),
        conf);
  }

  @Test
  void codecKeepsFloatsExactAndKeysDependOnTheEncoder() {
    float[] values = {0f, -1.5f, Float.MIN_VALUE, 3.1415927f, -0f};
    assertArrayEquals(values, EmbeddingCodec.decode(EmbeddingCodec.encode(values), 5));
    assertNull(EmbeddingCodec.decode(EmbeddingCodec.encode(values), 6), "wrong length = miss");
    byte[] a = EmbeddingCodec.key("demo:1.0.0:abc", "red mug");
    assertEquals("catalog-render:emb:".length() + 64, a.length);
    assertFalse(
        java.util.Arrays.equals(a, EmbeddingCodec.key("demo:1.0.1:abc", "red mug")),
        "a new encoder never reads an old encoder's vectors");
  }

  @Test
  void autoIsRedisWhenConfiguredElseMemory() {
    assertEquals(
        EmbeddingCacheSpec.Mode.MEMORY,
        EmbeddingCacheSpec.parse(Map.of(), new SparkConf(false)).mode());
    assertEquals(EmbeddingCacheSpec.Mode.REDIS, redisSpec(6379, "10").mode());
    assertEquals(
        "embedding_cache=redis needs spark.redis.host (and spark.redis.port, spark.redis.auth if"
            + " set): pass --spark-conf spark.redis.host=HOST",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    EmbeddingCacheSpec.parse(
                        Map.of(EmbeddingCacheSpec.MODE, "redis"), new SparkConf(false)))
            .getMessage());
    SparkConf secret =
        new SparkConf(false)
            .set("spark.redis.host", "cache.internal")
            .set("spark.redis.auth", "hunter2");
    EmbeddingCacheSpec spec = EmbeddingCacheSpec.parse(Map.of(), secret);
    assertFalse(spec.toString().contains("hunter2"), spec.toString());
    assertEquals("redis://cache.internal:6379/0", spec.describe());
  }

  @Test
  void memoryCacheEvictsTheLeastRecentlyUsed() {
    InProcessEmbeddingCache cache = new InProcessEmbeddingCache(2);
    byte[][] keys = {{1}, {2}, {3}};
    cache.putAll(new byte[][] {keys[0], keys[1]}, new byte[][] {{10}, {20}});
    cache.getAll(new byte[][] {keys[0]});
    cache.putAll(new byte[][] {keys[2]}, new byte[][] {{30}});
    byte[][] values = cache.getAll(keys).values();
    assertArrayEquals(new byte[] {10}, values[0]);
    assertNull(values[1], "evicted: least recently used");
    assertArrayEquals(new byte[] {30}, values[2]);
  }

  @Test
  void redisRoundTripsWithTtlAndSurvivesAnOutage() throws Exception {
    int port = freePort();
    RedisServer server = new RedisServer(port);
    server.start();
    try {
      EmbeddingCache cache = redisSpec(port, "0.3").executorWide();
      byte[][] keys = {EmbeddingCodec.key("enc", "a"), EmbeddingCodec.key("enc", "b")};
      byte[] value = EmbeddingCodec.encode(new float[] {1f, 2f});
      assertTrue(cache.putAll(new byte[][] {keys[0]}, new byte[][] {value}));
      EmbeddingCache.Lookup lookup = cache.getAll(keys);
      assertFalse(lookup.failed());
      assertArrayEquals(value, lookup.values()[0]);
      assertNull(lookup.values()[1]);
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        long ttl = jedis.ttl(keys[0]);
        assertTrue(ttl > 29L * 86400 && ttl <= 30L * 86400, "ttl " + ttl);
      }

      server.stop();
      EmbeddingCache.Lookup down = cache.getAll(keys);
      assertTrue(down.failed(), "a dead Redis is a failed lookup, not an exception");
      assertNull(down.values()[0]);
      assertFalse(cache.putAll(new byte[][] {keys[1]}, new byte[][] {value}));

      server = new RedisServer(port);
      server.start();
      Thread.sleep(400); // past embedding_cache_retry_seconds
      assertTrue(cache.putAll(new byte[][] {keys[1]}, new byte[][] {value}), "Redis is back");
      assertArrayEquals(value, cache.getAll(keys).values()[1]);
    } finally {
      server.stop();
    }
  }
}
