package com.catalogrender.jobs;

import com.catalogrender.embedding.EmbeddingCacheSpec;
import com.catalogrender.embedding.EmbeddingCacheStats;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/**
 * {@code cache-stats --spark-conf spark.redis.host=HOST [--spark-conf spark.redis.port=P]}: what
 * the Redis embedding cache holds (keys, memory, TTL spread), read through spark-redis.
 */
@Command(name = "cache-stats")
final class CacheStatsCommand implements SparkJob {
  @Override
  public int run(SparkSession spark) {
    spark.sparkContext().setJobGroup("catalog-render cache-stats", "cache-stats", false);
    EmbeddingCacheSpec spec =
        EmbeddingCacheSpec.parse(
            Map.of(EmbeddingCacheSpec.MODE, "redis"), spark.sparkContext().getConf());
    EmbeddingCacheStats stats = EmbeddingCacheStats.read(spark.sparkContext(), spec);
    System.out.printf("embedding cache %s%n", stats.endpoint());
    System.out.printf(
        "  keys:           %d%n  memory:         %d bytes in keys (%.1f per key); server used_memory %s%n",
        stats.keys(),
        stats.bytes(),
        stats.keys() == 0 ? 0.0 : (double) stats.bytes() / stats.keys(),
        stats.usedMemory());
    System.out.printf(
        "  TTL:            min %.1f days, max %.1f days%n",
        stats.minTtlSeconds() / 86400.0, stats.maxTtlSeconds() / 86400.0);
    for (int i = 0; i < EmbeddingCacheStats.TTL_BUCKETS.length; i++) {
      System.out.printf(
          "    %-12s %d%n", EmbeddingCacheStats.TTL_BUCKETS[i], stats.ttlBuckets()[i]);
    }
    spark.sparkContext().clearJobGroup();
    return 0;
  }
}
