package com.catalogrender.render;

import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * Keys that Spark's hash partitioning sends to chosen partitions: {@code repartition(n, key)}
 * places an integer key in partition {@code pmod(murmur3(key, 42), n)} (Spark's {@code
 * HashPartitioning}, seed 42), so a row keyed {@code forPartitions(n)[p]} lands in partition {@code
 * p}. Spark SQL has no exchange into a partition named by a column; this gives one.
 */
final class LayoutKeys {
  /** Spark's seed for hash partitioning ({@code Murmur3Hash}'s default). */
  private static final int SEED = 42;

  private LayoutKeys() {}

  /** For each of {@code partitions} partitions, the smallest non-negative int hashed into it. */
  static int[] forPartitions(int partitions) {
    int[] keys = new int[partitions];
    java.util.Arrays.fill(keys, -1);
    int found = 0;
    for (int key = 0; found < partitions; key++) {
      int partition = partition(key, partitions);
      if (keys[partition] < 0) {
        keys[partition] = key;
        found++;
      }
    }
    return keys;
  }

  /** The partition Spark's hash partitioning sends an integer key to. */
  static int partition(int key, int partitions) {
    return Math.floorMod(Murmur3_x86_32.hashInt(key, SEED), partitions);
  }
}
