package com.catalogrender.jobs;

import com.catalogrender.render.CacheWarmup;
import com.catalogrender.render.RenderConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cache-warmup --catalog PATH|TABLE [--where SQL] [render's caption flags] --spark-conf
 * spark.redis.host=HOST}: rewrites the catalog's distinct prompts as a render would (same rewriter,
 * same dedupe), then computes the text embeddings of the distinct captions on the executors and
 * loads the missing ones into Redis with the cache's TTL.
 */
@Command(
    name = "cache-warmup",
    description = {
      "Load the catalog's caption embeddings into the Redis cache (--spark-conf"
          + " spark.redis.host=HOST), as a render would compute them."
    })
final class CacheWarmupCommand implements SparkJob {
  @Mixin SettingsFileOption settings;

  @Spec CommandSpec spec;

  private RenderConfig config;

  @Override
  public void check() {
    config = RenderCommand.configure(RenderSettingOptions.given(spec), settings.location);
  }

  @Override
  public int run(SparkSession spark) {
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
    return ExitCodes.SUCCESS;
  }
}
