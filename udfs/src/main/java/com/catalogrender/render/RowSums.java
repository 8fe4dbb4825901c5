package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.results.RenderStatus;
import com.catalogrender.tables.RendersTable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What rows of {@code renders} add up to: their counts by status, the executors that rendered them,
 * their cost and their seconds per stage. Sums of two sets of rows add up ({@link #plus}), so a
 * run's can be summed wave by wave as its waves are merged into the live images, beside the render,
 * instead of over all of its rows after the last wave (2.5 s of the record phase at 10^6 rows,
 * bench --scale-simulated, while every executor waits).
 *
 * @param executors the executors' ids
 * @param eur the rows' marginal cost
 * @param adopted rows whose image a crashed run had uploaded
 */
record RowSums(
    long ok,
    long failed,
    long skippedBudget,
    Set<String> executors,
    double eur,
    StageValues seconds,
    long adopted) {
  static final RowSums NONE = new RowSums(0, 0, 0, Set.of(), 0, StageValues.ZERO, 0);

  RowSums {
    executors = Set.copyOf(executors);
  }

  /** The sums of {@code rows} (rows of {@code renders}): one aggregation job. */
  static RowSums of(Dataset<Row> rows) {
    List<Column> sums = new ArrayList<>();
    sums.add(count(RenderStatus.FAILED));
    sums.add(count(RenderStatus.SKIPPED_BUDGET));
    sums.add(collect_set(col("executor_id")));
    sums.add(sum(col("cost_eur")));
    sums.add(sum(when(col("adopted"), 1).otherwise(0)));
    for (Stage stage : Stage.values()) {
      sums.add(sum(col(RendersTable.secondsColumn(stage))));
    }
    Row row = rows.agg(count(RenderStatus.OK), sums.toArray(new Column[0])).first();
    Map<Stage, Double> seconds = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      seconds.put(stage, doubleOrZero(row, 6 + stage.ordinal()));
    }
    return new RowSums(
        longOrZero(row, 0),
        longOrZero(row, 1),
        longOrZero(row, 2),
        new HashSet<>(row.getList(3)),
        doubleOrZero(row, 4),
        StageValues.of(seconds),
        longOrZero(row, 5));
  }

  /** The sums of both sets of rows together. */
  RowSums plus(RowSums other) {
    Set<String> both = new TreeSet<>(executors);
    both.addAll(other.executors);
    return new RowSums(
        ok + other.ok,
        failed + other.failed,
        skippedBudget + other.skippedBudget,
        both,
        eur + other.eur,
        seconds.plus(other.seconds),
        adopted + other.adopted);
  }

  private static Column count(RenderStatus status) {
    return sum(when(col("status").equalTo(status.label()), 1).otherwise(0));
  }

  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  private static double doubleOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getDouble(i);
  }

  /**
   * A run's sums, added to wave by wave (from any thread): whole once every one of its waves was
   * added, each once.
   */
  static final class OfWaves {
    private final int waves;
    private final Set<Integer> added = new HashSet<>();
    private RowSums sums = NONE;
    private boolean broken;

    OfWaves(int waves) {
      this.waves = waves;
    }

    /** Adds the sums of waves {@code ofWaves}' rows. */
    synchronized void add(java.util.Collection<Integer> ofWaves, RowSums of) {
      for (int wave : ofWaves) {
        if (!added.add(wave)) {
          broken = true; // a wave's rows twice: these sums are not the run's
        }
      }
      sums = sums.plus(of);
    }

    /** Some waves' rows were not summed here (read from the table instead): no sums. */
    synchronized void missed() {
      broken = true;
    }

    /** The run's sums, or null when a wave is missing or was added twice. */
    synchronized RowSums whole() {
      return broken || added.size() != waves ? null : sums;
    }
  }
}
