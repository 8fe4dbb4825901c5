package com.catalogrender.tables;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.Tuple2;

/**
 * The checkpoints a table's commits say they hold, read from its Delta log on the driver: each
 * checkpoint commit carries its name ({@code catalog-render/<run>/<checkpoint>}) as the commit's
 * user metadata. Reading a commit's JSON costs no Spark job, where Delta's own idempotent writes
 * ({@code txnAppId}) compute the table's whole state in three Spark jobs before every write; those
 * jobs wait for the task slots the wave before still renders in, so every wave began with the
 * executors idle. The log is read from the version the writer starts at, each commit once.
 *
 * <p>Each checkpoint's data files are kept from its commit until {@link #rowsOf} reads them: the
 * live images' merge reads a few waves' files, not the whole run's rows joined back to its plan (at
 * 10^6 rows the merge of the last waves spent most of its seconds on that scan and join).
 */
public final class CheckpointCommits {
  private final SparkSession spark;
  private final String path;
  private final Set<String> names = new HashSet<>();
  private final Map<String, List<AddFile>> files = new HashMap<>();
  private long nextVersion;

  /**
   * Checkpoints committed to the table at {@code path} from version {@code fromVersion} on (a run's
   * commits all come after the version the table had when the run began).
   */
  public CheckpointCommits(SparkSession spark, String path, long fromVersion) {
    this.spark = spark;
    this.path = path;
    this.nextVersion = fromVersion;
  }

  /** From the table's version now: a run's checkpoints, before its first commit. */
  public static CheckpointCommits fromNow(SparkSession spark, String path) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    long version = DeltaSnapshots.latest(log).version();
    return new CheckpointCommits(spark, path, version + 1);
  }

  /** The name a checkpoint's commit carries. */
  static String name(String runId, long checkpoint) {
    return "catalog-render/" + runId + "/" + checkpoint;
  }

  /** Whether checkpoint {@code checkpoint} of {@code runId} was committed. */
  public synchronized boolean committed(String runId, long checkpoint) {
    readNewCommits();
    return names.contains(name(runId, checkpoint));
  }

  /**
   * Rows read from checkpoints' data files.
   *
   * @param records the rows the files hold by their statistics, -1 when a file has none
   */
  public record CommittedRows(Dataset<Row> rows, long records) {}

  /**
   * The rows checkpoints {@code checkpoints} of {@code runId} committed, read from their data files
   * alone (Delta's reader over those files: their partition values, deletion vectors and column
   * mapping as the table's); null when one of them was not committed since this reader began, or
   * its files were read before (the caller then reads the table). Each checkpoint's files are
   * forgotten once read. The rows are read by the calling thread's active session.
   */
  public synchronized CommittedRows rowsOf(String runId, Collection<Integer> checkpoints) {
    readNewCommits();
    List<AddFile> added = new ArrayList<>();
    for (int checkpoint : checkpoints) {
      List<AddFile> ofCheckpoint = files.get(name(runId, checkpoint));
      if (ofCheckpoint == null) {
        return null;
      }
      added.addAll(ofCheckpoint);
    }
    for (int checkpoint : checkpoints) {
      files.remove(name(runId, checkpoint));
    }
    long records = 0;
    for (AddFile add : added) {
      scala.Option<Object> count = add.numLogicalRecords();
      records = records < 0 || count.isEmpty() ? -1 : records + (Long) count.get();
    }
    DeltaLog log = DeltaLog.forTable(spark, path);
    return new CommittedRows(
        log.createDataFrame(
            DeltaSnapshots.latest(log),
            scala.collection.JavaConverters.asScalaBuffer(added).toSeq(),
            false,
            scala.Option.empty()),
        records);
  }

  private void readNewCommits() {
    scala.collection.Iterator<Tuple2<Object, scala.collection.Seq<Action>>> changes =
        DeltaLog.forTable(spark, path).getChanges(nextVersion, false);
    while (changes.hasNext()) {
      Tuple2<Object, scala.collection.Seq<Action>> commit = changes.next();
      scala.collection.Iterator<Action> actions = commit._2().iterator();
      String name = null;
      List<AddFile> added = new ArrayList<>();
      while (actions.hasNext()) {
        Action action = actions.next();
        if (action instanceof CommitInfo info && info.userMetadata().isDefined()) {
          name = info.userMetadata().get();
        } else if (action instanceof AddFile add && add.dataChange()) {
          added.add(add);
        }
      }
      if (name != null) {
        names.add(name);
        if (name.startsWith("catalog-render/")) {
          files.put(name, added);
        }
      }
      nextVersion = (Long) commit._1() + 1;
    }
  }
}
