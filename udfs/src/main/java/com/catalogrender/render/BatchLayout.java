package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * How a wave's rows are laid out over render tasks: in fingerprint order, cut into batches of
 * {@code batch_size} consecutive rows, batch {@code i} going to task {@code i mod tasks}. Every
 * task gets the same number of full batches (one more for the first few), and at most one batch of
 * the whole wave is partial; with hash partitioning task sizes varied by about the square root of
 * their rows, each task ended with a partial batch, and the slot with the larger tasks kept the
 * others waiting. A batch holds the same rows on any cluster and any task count, so a rerun with
 * the same seeds gives the same bytes. The wave's rows are ordered in one task (a wave is at most
 * {@code checkpoint_rows}, a few MB), then shuffled once to their render tasks: a range sort and a
 * global index cost two extra Spark jobs per wave, seconds each.
 */
final class BatchLayout {
  private BatchLayout() {}

  static Dataset<Row> of(Dataset<Row> rows, int tasks, int batchSize) {
    StructType schema = rows.schema();
    int hash = schema.fieldIndex("input_hash");
    int sku = schema.fieldIndex("sku");
    JavaRDD<Row> laidOut =
        rows.javaRDD()
            .coalesce(1)
            .mapPartitionsToPair(
                (Iterator<Row> wave) -> {
                  List<Row> ordered = new ArrayList<>();
                  wave.forEachRemaining(ordered::add);
                  ordered.sort(
                      Comparator.comparing((Row r) -> utf8(r, hash), NULLS_FIRST)
                          .thenComparing((Row r) -> utf8(r, sku), NULLS_FIRST));
                  List<Tuple2<Integer, Row>> placed = new ArrayList<>(ordered.size());
                  for (int i = 0; i < ordered.size(); i++) {
                    placed.add(new Tuple2<>((int) ((i / batchSize) % tasks), ordered.get(i)));
                  }
                  return placed.iterator();
                })
            .partitionBy(new TaskPartitioner(tasks))
            .values();
    return rows.sparkSession()
        .createDataFrame(laidOut, schema)
        // the shuffle does not keep order: each task sorts its rows back into their batches
        .sortWithinPartitions(col("input_hash"), col("sku"));
  }

  /** Spark SQL's order of strings (UTF-8 bytes), nulls first as {@code orderBy} sorts them. */
  private static final Comparator<UTF8String> NULLS_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());

  private static UTF8String utf8(Row row, int field) {
    return row.isNullAt(field) ? null : UTF8String.fromString(row.getString(field));
  }

  /** Sends the key {@code task} to partition {@code task}. */
  private static final class TaskPartitioner extends Partitioner {
    private final int tasks;

    TaskPartitioner(int tasks) {
      this.tasks = tasks;
    }

    @Override
    public int numPartitions() {
      return tasks;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TaskPartitioner p && p.tasks == tasks;
    }

    @Override
    public int hashCode() {
      return tasks;
    }
  }
}
