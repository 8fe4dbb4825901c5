package com.catalogrender.render;

import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.catalog.CatalogSchema;
import com.catalogrender.catalog.CatalogSource;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.task.EmbeddingWarmup;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Loads a catalog's caption embeddings into Redis before a run: the run's own open (catalog,
 * filter) and caption phases, then {@link EmbeddingWarmup} on the executors for the distinct
 * captions.
 */
public final class CacheWarmup {
  /** What the warmup did. */
  public record Loaded(
      long distinctPrompts,
      long captions,
      double captionEur,
      long alreadyCached,
      long written,
      double seconds) {}

  private final SparkSession spark;
  private final RenderConfig config;

  public CacheWarmup(SparkSession spark, RenderConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public Loaded run() {
    EmbeddingWarmup warmup =
        new EmbeddingWarmup(
            config.model().location(), config.model().cpuVariant(), config.embeddingCache());
    spark.sparkContext().setJobGroup("catalog-render cache-warmup", "cache-warmup", false);
    try {
      Dataset<Row> catalog = CatalogSource.open(spark, config.catalog().catalog());
      if (config.catalog().where() != null) {
        catalog = catalog.where(config.catalog().where());
      }
      Dataset<Row> rows =
          catalog.select(
              catalog.col(CatalogSchema.CATEGORY).as("category"),
              catalog.col(CatalogSchema.PROMPT).as("prompt"));
      spark.sparkContext().setJobDescription("cache-warmup: captions");
      CaptionPhase.Outcome captions;
      try (CaptionRewriter rewriter =
          CaptionPhase.rewriterFor(
              config.captions(),
              ModelCache.manifest(
                  config.model().location(), spark.sparkContext().hadoopConfiguration()),
              spark.sparkContext().hadoopConfiguration())) {
        captions =
            new CaptionPhase(
                    config.captions(), rewriter, config.run().rates(), config.testing().ticker())
                .run(spark, rows);
      }
      Dataset<Row> distinct = captions.captions().select("caption").distinct();
      spark
          .sparkContext()
          .setJobDescription(
              "cache-warmup: encode and load into " + config.embeddingCache().describe());
      long start = System.nanoTime();
      long[] counts = warmup.run(distinct, Math.max(1, spark.sparkContext().defaultParallelism()));
      return new Loaded(
          captions.figures().distinctPrompts(),
          counts[0],
          captions.figures().apiEur(),
          counts[1],
          counts[2],
          (System.nanoTime() - start) / 1e9);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }
}
