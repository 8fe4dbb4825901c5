package com.catalogrender.results;

/**
 * What the text-embedding cache did in a run.
 *
 * @param cache where embeddings were cached (off, memory, redis://host:port/db)
 * @param hits rendered rows whose embedding came from the cache
 * @param misses rendered rows whose embedding the encoder computed
 * @param failures cache reads or writes that failed (the rows rendered anyway)
 */
public record EmbeddingFigures(String cache, long hits, long misses, long failures) {
  public static final EmbeddingFigures OFF = new EmbeddingFigures("off", 0, 0, 0);

  /** Share of rendered rows whose text embedding was cached, or null when none rendered. */
  public Double hitRate() {
    long all = hits + misses;
    return all == 0 ? null : (double) hits / all;
  }
}
