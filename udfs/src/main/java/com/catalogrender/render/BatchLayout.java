package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * How a wave's rows are laid out over render tasks: in fingerprint order, cut into batches of
 * {@code batch_size} consecutive rows, batch {@code i} going to task {@code i mod tasks}. Every
 * task gets the same number of full batches (one more for the first few), and at most one batch of
 * the whole wave is partial; with hash partitioning task sizes varied by about the square root of
 * their rows, each task ended with a partial batch, and the slot with the larger tasks kept the
 * others waiting. A batch holds the same rows on any cluster and any task count, so a rerun with
 * the same seeds gives the same bytes. Costs one range sort and one count over the wave's rows.
 */
final class BatchLayout {
  private BatchLayout() {}

  static Dataset<Row> of(Dataset<Row> rows, int tasks, int batchSize) {
    JavaRDD<Row> sorted = rows.orderBy(col("input_hash"), col("sku")).javaRDD();
    JavaRDD<Row> laidOut =
        sorted
            .zipWithIndex()
            .mapToPair(
                (Tuple2<Row, Long> indexed) ->
                    new Tuple2<>((int) ((indexed._2() / batchSize) % tasks), indexed._1()))
            .partitionBy(new TaskPartitioner(tasks))
            .values();
    return rows.sparkSession()
        .createDataFrame(laidOut, rows.schema())
        // the shuffle does not keep order: each task sorts its rows back into their batches
        .sortWithinPartitions(col("input_hash"), col("sku"));
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
