package com.catalogrender.jobs;

import com.catalogrender.render.CacheWarmup;
import com.catalogrender.render.RenderConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cache-warmup --catalog PATH|TABLE [--where SQL] [render's caption flags] --spark-conf
 * spark.redis.host=HOST}: rewrites the catalog's distinct prompts as a render would (same rewriter,
 * same dedupe), then computes the text embeddings of the distinct captions on the executors and
 * loads the missing ones into Redis with the cache's TTL.
 */
final class CacheWarmupCommand {
  int run(String[] argv, SparkSession spark) throws IOException {
    List<String> options = new ArrayList<>(RenderCommand.SETTING_OPTIONS);
    options.addAll(List.of("conf", "master"));
    CommandArguments args = CommandArguments.parse("cache-warmup", argv, options, List.of());
    RenderConfig config =
        RenderConfig.parse(RenderCommand.settings(args), spark.sparkContext().getConf());
    CacheWarmup.Loaded loaded = new CacheWarmup(spark, config).run();
    System.out.printf(
        "cache-warmup: %d distinct prompts -> %d distinct captions (%s, EUR %.6f); %d already in"
            + " %s, %d encoded and written with a TTL of %.0f days in %.1fs%n",
        loaded.distinctPrompts(),
        loaded.captions(),
        config.captions().rewriter(),
        loaded.captionEur(),
        loaded.alreadyCached(),
        config.embeddingCache().describe(),
        loaded.written(),
        config.embeddingCache().ttlSeconds() / 86400.0,
        loaded.seconds());
    return 0;
  }
}
