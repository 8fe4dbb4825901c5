package com.catalogrender.embedding;

/**
 * Text-encoder outputs by key, shared by every task of an executor. Implementations never throw on
 * a cache failure: a failed read is all misses, a failed write is dropped, and both are counted, so
 * a render never fails because of its cache.
 */
public interface EmbeddingCache {

  /** The result of one multi-get: a value per key (null for a miss), and whether it failed. */
  record Lookup(byte[][] values, boolean failed) {}

  /** One round trip for all keys. */
  Lookup getAll(byte[][] keys);

  /** One round trip for all entries; returns false when the write failed. */
  boolean putAll(byte[][] keys, byte[][] values);

  /** What this cache is, for logs and the runs table (never a password). */
  String describe();

  /** No cache: every lookup misses, nothing is kept. */
  EmbeddingCache NONE =
      new EmbeddingCache() {
        @Override
        public Lookup getAll(byte[][] keys) {
          return new Lookup(new byte[keys.length][], false);
        }

        @Override
        public boolean putAll(byte[][] keys, byte[][] values) {
          return true;
        }

        @Override
        public String describe() {
          return "off";
        }
      };
}
