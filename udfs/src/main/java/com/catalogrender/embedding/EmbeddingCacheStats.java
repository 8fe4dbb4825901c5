package com.catalogrender.embedding;

import com.redislabs.provider.redis.ReadWriteConfig;
import com.redislabs.provider.redis.RedisConfig;
import com.redislabs.provider.redis.RedisContext;
import com.redislabs.provider.redis.RedisEndpoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * What the Redis embedding cache holds, read through spark-redis: its keys come from a {@code
 * RedisKeysRDD} over {@code catalog-render:emb:*} (SCAN per node, split into partitions), and each
 * partition asks TTL and MEMORY USAGE of its keys in pipelines.
 *
 * @param keys embedding keys
 * @param bytes memory the keys use, as Redis reports it
 * @param ttlBuckets keys by remaining TTL: none, < 1 day, 1-7 days, 7-14, 14-21, 21-30, > 30 days
 * @param minTtlSeconds smallest TTL among keys that have one (-1 when none has)
 * @param maxTtlSeconds largest TTL
 * @param usedMemory the server's used_memory_human
 * @param endpoint redis://host:port/db
 */
public record EmbeddingCacheStats(
    long keys,
    long bytes,
    long[] ttlBuckets,
    long minTtlSeconds,
    long maxTtlSeconds,
    String usedMemory,
    String endpoint) {

  public static final String[] TTL_BUCKETS = {
    "no TTL", "< 1 day", "1-7 days", "7-14 days", "14-21 days", "21-30 days", "> 30 days"
  };
  private static final int PIPELINE = 1000;

  public static EmbeddingCacheStats read(SparkContext context, EmbeddingCacheSpec spec) {
    if (spec.mode() != EmbeddingCacheSpec.Mode.REDIS) {
      throw new IllegalArgumentException(
          "cache-stats reads the Redis embedding cache: pass --spark-conf spark.redis.host=HOST"
              + " (and spark.redis.port)");
    }
    RedisEndpoint endpoint = spec.redis();
    JavaRDD<String> keys =
        new RedisContext(context)
            .fromRedisKeyPattern(
                EmbeddingCodec.KEY_PREFIX + "*",
                Math.max(1, context.defaultParallelism()),
                new RedisConfig(endpoint),
                ReadWriteConfig.fromSparkConf(context.getConf()))
            .toJavaRDD();
    long[] totals =
        keys.mapPartitions(it -> List.of(partitionTotals(endpoint, it)).iterator())
            .reduce(EmbeddingCacheStats::add);
    String used;
    try (Jedis jedis = endpoint.connect()) {
      used = field(jedis.info("memory"), "used_memory_human");
    }
    long[] buckets = new long[TTL_BUCKETS.length];
    System.arraycopy(totals, 2, buckets, 0, buckets.length);
    return new EmbeddingCacheStats(
        totals[0],
        totals[1],
        buckets,
        totals[2 + buckets.length] == Long.MAX_VALUE ? -1 : totals[2 + buckets.length],
        totals[3 + buckets.length],
        used,
        spec.describe());
  }

  /** count, bytes, the TTL buckets, min TTL, max TTL. */
  private static long[] partitionTotals(RedisEndpoint endpoint, Iterator<String> keys) {
    long[] totals = empty();
    List<String> group = new ArrayList<>(PIPELINE);
    try (Jedis jedis = endpoint.connect()) {
      while (keys.hasNext()) {
        group.add(keys.next());
        if (group.size() == PIPELINE || !keys.hasNext()) {
          Pipeline pipeline = jedis.pipelined();
          List<Response<Long>> ttls = new ArrayList<>(group.size());
          List<Response<Object>> sizes = new ArrayList<>(group.size());
          for (String key : group) {
            ttls.add(pipeline.ttl(key));
            sizes.add(pipeline.sendCommand(Protocol.Command.MEMORY, "USAGE", key));
          }
          pipeline.sync();
          for (int i = 0; i < group.size(); i++) {
            Long ttl = ttls.get(i).get();
            Object size = sizes.get(i).get();
            if (ttl == null || ttl == -2) {
              continue; // expired between SCAN and TTL
            }
            totals[0]++;
            totals[1] += size instanceof Long bytes ? bytes : 0;
            totals[2 + bucket(ttl)]++;
            if (ttl >= 0) {
              totals[2 + TTL_BUCKETS.length] = Math.min(totals[2 + TTL_BUCKETS.length], ttl);
              totals[3 + TTL_BUCKETS.length] = Math.max(totals[3 + TTL_BUCKETS.length], ttl);
            }
          }
          group.clear();
        }
      }
    }
    return totals;
  }

  private static long[] empty() {
    long[] totals = new long[4 + TTL_BUCKETS.length];
    totals[2 + TTL_BUCKETS.length] = Long.MAX_VALUE;
    totals[3 + TTL_BUCKETS.length] = -1;
    return totals;
  }

  private static long[] add(long[] a, long[] b) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length - 2; i++) {
      out[i] = a[i] + b[i];
    }
    out[a.length - 2] = Math.min(a[a.length - 2], b[b.length - 2]);
    out[a.length - 1] = Math.max(a[a.length - 1], b[b.length - 1]);
    return out;
  }

  static int bucket(long ttlSeconds) {
    if (ttlSeconds < 0) {
      return 0;
    }
    double days = ttlSeconds / 86400.0;
    if (days < 1) {
      return 1;
    }
    if (days < 7) {
      return 2;
    }
    if (days < 14) {
      return 3;
    }
    if (days < 21) {
      return 4;
    }
    return days <= 30 ? 5 : 6;
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return "?";
  }
}
