package com.catalogrender.jobs;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.caption.CaptionStage;
import com.catalogrender.catalog.CatalogSchema;
import com.catalogrender.cost.Rates;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import com.catalogrender.embedding.EmbeddingWarmup;
import com.catalogrender.render.CatalogSource;
import com.catalogrender.render.RenderConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    RenderConfig config = RenderConfig.parse(RenderCommand.settings(args));
    EmbeddingCacheSpec spec =
        EmbeddingCacheSpec.parse(config.settings(), spark.sparkContext().getConf());
    EmbeddingWarmup warmup =
        new EmbeddingWarmup(
            Path.of(config.modelDirectory()).toAbsolutePath().normalize().toString(),
            config.cpuVariant(),
            spec);
    Rates rates = Rates.load(Path.of(config.ratesFile()));
    spark.sparkContext().setJobGroup("catalog-render cache-warmup", "cache-warmup", false);
    Dataset<Row> catalog = CatalogSource.open(spark, config.catalog());
    if (config.where() != null) {
      catalog = catalog.where(config.where());
    }
    Dataset<Row> rows =
        catalog.select(
            col(CatalogSchema.CATEGORY).as("category"), col(CatalogSchema.PROMPT).as("prompt"));
    spark.sparkContext().setJobDescription("cache-warmup: captions");
    CaptionStage.Outcome captions;
    try (CaptionRewriter rewriter =
        CaptionStage.rewriterFor(config.captions(), spark.sparkContext().hadoopConfiguration())) {
      captions =
          new CaptionStage(config.captions(), rewriter, rates, config.ticker()).run(spark, rows);
    }
    Dataset<Row> distinct = captions.captions().select("caption").distinct();
    spark.sparkContext().setJobDescription("cache-warmup: encode and load into " + spec.describe());
    long start = System.nanoTime();
    long[] counts = warmup.run(distinct, Math.max(1, spark.sparkContext().defaultParallelism()));
    System.out.printf(
        "cache-warmup: %d distinct prompts -> %d distinct captions (%s, EUR %.6f); %d already in"
            + " %s, %d encoded and written with a TTL of %.0f days in %.1fs%n",
        captions.distinctPrompts(),
        counts[0],
        config.captions().rewriter(),
        captions.apiEur(),
        counts[1],
        spec.describe(),
        counts[2],
        spec.ttlSeconds() / 86400.0,
        (System.nanoTime() - start) / 1e9);
    spark.sparkContext().clearJobGroup();
    return 0;
  }
}
