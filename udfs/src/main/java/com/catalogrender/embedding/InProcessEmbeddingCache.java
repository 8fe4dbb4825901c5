package com.catalogrender.embedding;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded default when no Redis is configured: a least-recently-used map per executor, bounded
 * by entries ({@code embedding_cache_memory_entries}; 20,000 entries of the demo model are ~100
 * MiB). Lives as long as the executor JVM.
 */
final class InProcessEmbeddingCache implements EmbeddingCache {
  private final int capacity;
  private final Map<ByteBuffer, byte[]> entries;

  InProcessEmbeddingCache(int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
            return size() > InProcessEmbeddingCache.this.capacity;
          }
        };
  }

  @Override
  public synchronized Lookup getAll(byte[][] keys) {
    byte[][] values = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      values[i] = entries.get(ByteBuffer.wrap(keys[i]));
    }
    return new Lookup(values, false);
  }

  @Override
  public synchronized boolean putAll(byte[][] keys, byte[][] values) {
    for (int i = 0; i < keys.length; i++) {
      entries.put(ByteBuffer.wrap(keys[i].clone()), values[i]);
    }
    return true;
  }

  synchronized int size() {
    return entries.size();
  }

  @Override
  public String describe() {
    return "memory (per executor, " + capacity + " entries)";
  }
}
