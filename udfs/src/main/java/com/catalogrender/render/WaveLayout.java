package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * How the run's rows are laid out over waves and render tasks: within a wave, in fingerprint order
 * (input hash, then SKU), cut into batches of {@code batch_size} consecutive rows, batch {@code i}
 * going to task {@code i mod tasks}. Every task of a wave gets the same number of full batches (one
 * more for the first few), and at most one batch of the wave is partial. A batch holds the same
 * rows on any cluster and any task count, so a rerun with the same seeds gives the same bytes.
 *
 * <p>The waves (all of a run, or a range of them: {@link RunLayout}) are laid out by one shuffle,
 * into one partition per (wave, task); a wave's render job reads only its wave's partitions of that
 * shuffle (its files stay for the run), so the job is one stage, queued behind the wave before.
 * Laid out per wave, each wave's job began with a shuffle and a sort in one task while the other
 * task slots waited: in a 10^4-row run, 8 of the 13 seconds with no render task running. The
 * shuffle is Spark SQL's own exchange of its binary rows, keyed so that hash partitioning lands
 * each row in its task's partition ({@link LayoutKeys}), and the wave's rank and the caption rank
 * share the exchange by the wave before it: 10^6 rows in 202 waves, layout and two waves' reads,
 * local[2], second round of one run: 4.0 s, against 6.9 s with an RDD shuffle of the binary rows
 * (Java serialization) after two windows with an exchange each (and that RDD shuffle had taken half
 * the time of one of {@code Row}s, each with its schema).
 */
final class WaveLayout {
  private static final String WAVE_RANK = "wave_rank";
  private static final String TASK_PARTITION = "task_partition";
  private static final String LAYOUT_KEY = "layout_key";

  private final JavaRDD<InternalRow> laidOut;
  private final StructType schema;
  private final String waveColumn;
  private final int firstWave;
  private final int endWave;
  private final int tasks;

  private WaveLayout(
      JavaRDD<InternalRow> laidOut,
      StructType schema,
      String waveColumn,
      int firstWave,
      int endWave,
      int tasks) {
    this.laidOut = laidOut;
    this.schema = schema;
    this.waveColumn = waveColumn;
    this.firstWave = firstWave;
    this.endWave = endWave;
    this.tasks = tasks;
  }

  /**
   * Lays out {@code rows} (each with its wave in {@code waveColumn}, of {@code waves}) over {@code
   * tasks} tasks per wave; the rows get their caption rank ({@link CaptionPhase#withCaptionRank}).
   * Under adaptive query execution (Spark's default) the shuffle runs here; without it, with the
   * first wave's job. Later waves' jobs skip it.
   */
  static WaveLayout of(Dataset<Row> rows, String waveColumn, int waves, int tasks, int batchSize) {
    return layOut(rows, waveColumn, 0, waves, tasks, batchSize);
  }

  /**
   * Lays out the rows of waves {@code firstWave} to {@code endWave} (exclusive) of {@code rows}
   * alone, as {@link #of(Dataset, String, int, int, int)} lays out all: a wave's batches and tasks
   * are the same either way (they depend on the wave's rows only), and the shuffle moves only these
   * waves' rows.
   */
  static WaveLayout of(
      Dataset<Row> rows, String waveColumn, int firstWave, int endWave, int tasks, int batchSize) {
    return layOut(
        rows.where(col(waveColumn).between(firstWave, endWave - 1)),
        waveColumn,
        firstWave,
        endWave,
        tasks,
        batchSize);
  }

  private static WaveLayout layOut(
      Dataset<Row> rows, String waveColumn, int firstWave, int endWave, int tasks, int batchSize) {
    int waves = endWave - firstWave;
    // the wave's window first: the caption rank's window is within (wave, prompt), so one exchange
    // by the wave serves both
    Dataset<Row> ranked =
        rows.withColumn(
            WAVE_RANK,
            row_number()
                .over(
                    Window.partitionBy(col(waveColumn))
                        .orderBy(col("input_hash").asc_nulls_first(), col("sku").asc_nulls_first()))
                .minus(1));
    Dataset<Row> placed =
        CaptionPhase.withCaptionRank(ranked, waveColumn)
            .withColumn(
                TASK_PARTITION,
                expr(String.format(
                        "(%s - %d) * %d + (%s div %d) %% %d",
                        waveColumn, firstWave, tasks, WAVE_RANK, batchSize, tasks))
                    .cast("int"));
    // Spark's own exchange (its binary rows, its row serializer), keyed by a value that Spark's
    // hash partitioning sends to the task's partition
    int[] keys = LayoutKeys.forPartitions(waves * tasks);
    Dataset<Row> exchanged =
        placed
            .withColumn(
                LAYOUT_KEY,
                udf((UDF1<Integer, Integer>) partition -> keys[partition], DataTypes.IntegerType)
                    .apply(col(TASK_PARTITION)))
            .repartition(waves * tasks, col(LAYOUT_KEY));
    JavaRDD<InternalRow> laidOut = exchanged.queryExecution().toRdd().toJavaRDD();
    return new WaveLayout(laidOut, exchanged.schema(), waveColumn, firstWave, endWave, tasks);
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
    if (wave < firstWave || wave >= endWave) {
      throw new IllegalArgumentException(
          "Wave "
              + wave
              + " is not laid out here (waves "
              + firstWave
              + " to "
              + (endWave - 1)
              + ")");
    }
    RDD<InternalRow> ofWave =
        PartitionPruningRDD.create(laidOut.rdd(), new InWave(wave - firstWave, tasks));
    // Spark's own conversion back to a DataFrame of binary rows (Scala private[sql], public in the
    // bytecode; Spark 3.5)
    return spark
        .internalCreateDataFrame(ofWave, schema, false)
        .drop(waveColumn, WAVE_RANK, TASK_PARTITION, LAYOUT_KEY)
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
}
