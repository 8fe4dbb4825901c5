package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import java.io.Serializable;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * How the run's rows are laid out over waves and render tasks: within a wave, in fingerprint order
 * (input hash, then SKU), cut into batches of {@code batch_size} consecutive rows, batch {@code i}
 * going to task {@code i mod tasks}. Every task of a wave gets the same number of full batches (one
 * more for the first few), and at most one batch of the wave is partial. A batch holds the same
 * rows on any cluster and any task count, so a rerun with the same seeds gives the same bytes.
 *
 * <p>The whole run is laid out by one shuffle, into one partition per (wave, task); a wave's render
 * job reads only its wave's partitions of that shuffle (its files stay for the run), so the job is
 * one stage, queued behind the wave before. Laid out per wave, each wave's job began with a shuffle
 * and a sort in one task while the other task slots waited: in a 10^4-row run, 8 of the 13 seconds
 * with no render task running. The shuffle moves Spark's binary rows: moving {@code Row}s (each
 * with its schema, Java-serialized) took twice as long (10^6 rows in 200 waves, layout and first
 * wave counted, local[2]: 19.6 s against 10.1 s, second round of one run).
 */
final class WaveLayout {
  private static final String WAVE_RANK = "wave_rank";
  private static final String TASK_PARTITION = "task_partition";

  private final JavaRDD<InternalRow> laidOut;
  private final StructType schema;
  private final String waveColumn;
  private final int tasks;

  private WaveLayout(
      JavaRDD<InternalRow> laidOut, StructType schema, String waveColumn, int tasks) {
    this.laidOut = laidOut;
    this.schema = schema;
    this.waveColumn = waveColumn;
    this.tasks = tasks;
  }

  /**
   * Lays out {@code rows} (each with its wave in {@code waveColumn}, of {@code waves}) over {@code
   * tasks} tasks per wave; the rows get their caption rank ({@link CaptionPhase#withCaptionRank}).
   * Lazy: the shuffle runs with the first wave's job, and later waves' jobs skip it.
   */
  static WaveLayout of(Dataset<Row> rows, String waveColumn, int waves, int tasks, int batchSize) {
    Dataset<Row> placed =
        CaptionPhase.withCaptionRank(rows)
            .withColumn(
                WAVE_RANK,
                row_number()
                    .over(
                        Window.partitionBy(col(waveColumn))
                            .orderBy(
                                col("input_hash").asc_nulls_first(), col("sku").asc_nulls_first()))
                    .minus(1))
            .withColumn(
                TASK_PARTITION,
                expr(String.format(
                        "%s * %d + (%s div %d) %% %d",
                        waveColumn, tasks, WAVE_RANK, batchSize, tasks))
                    .cast("int"));
    int partition = placed.schema().fieldIndex(TASK_PARTITION);
    // Spark's binary rows, not Rows: a Row carries its schema, and the RDD shuffle writes it with
    // every row (Java serialization, reset every 100 objects). The scan reuses one row object, so
    // each is copied
    JavaRDD<InternalRow> laidOut =
        placed
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapToPair(row -> new Tuple2<>(row.getInt(partition), row.copy()))
            .partitionBy(new TaskPartitioner(waves * tasks))
            .values();
    return new WaveLayout(laidOut, placed.schema(), waveColumn, tasks);
  }

  /**
   * The rows of {@code wave} with their captions ({@code captions}, broadcast: the rows keep their
   * partitions and their order).
   */
  Dataset<Row> wave(SparkSession spark, int wave, Dataset<Row> captions) {
    return CaptionPhase.join(waveRows(spark, wave), captions);
  }

  /**
   * The rows of {@code wave}, one partition per render task, each in batch order (the shuffle does
   * not keep order: each task sorts its rows back).
   */
  Dataset<Row> waveRows(SparkSession spark, int wave) {
    RDD<InternalRow> ofWave = PartitionPruningRDD.create(laidOut.rdd(), new InWave(wave, tasks));
    // Spark's own conversion back to a DataFrame of binary rows (Scala private[sql], public in the
    // bytecode; Spark 3.5)
    return spark
        .internalCreateDataFrame(ofWave, schema, false)
        .drop(waveColumn, WAVE_RANK, TASK_PARTITION)
        .sortWithinPartitions(col("input_hash"), col("sku"));
  }

  /** Whether a partition of the layout belongs to a wave. */
  private static final class InWave extends AbstractFunction1<Object, Object>
      implements Serializable {
    private final int wave;
    private final int tasks;

    InWave(int wave, int tasks) {
      this.wave = wave;
      this.tasks = tasks;
    }

    @Override
    public Object apply(Object partition) {
      return (Integer) partition / tasks == wave;
    }
  }

  /** Sends the key {@code partition} to partition {@code partition}. */
  private static final class TaskPartitioner extends Partitioner {
    private final int partitions;

    TaskPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TaskPartitioner p && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }
}
