package com.catalogrender.tables;

import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.Tuple2;

/**
 * The checkpoints a table's commits say they hold, read from its Delta log on the driver: each
 * checkpoint commit carries its name ({@code catalog-render/<run>/<checkpoint>}) as the commit's
 * user metadata. Reading a commit's JSON costs no Spark job, where Delta's own idempotent writes
 * ({@code txnAppId}) compute the table's whole state in three Spark jobs before every write; those
 * jobs wait for the task slots the wave before still renders in, so every wave began with the
 * executors idle. The log is read from the version the writer starts at, each commit once.
 */
public final class CheckpointCommits {
  private final SparkSession spark;
  private final String path;
  private final Set<String> names = new HashSet<>();
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
    long version =
        log.update(log.update$default$1(), log.update$default$2(), log.update$default$3())
            .version();
    return new CheckpointCommits(spark, path, version + 1);
  }

  /** The name a checkpoint's commit carries. */
  static String name(String runId, long checkpoint) {
    return "catalog-render/" + runId + "/" + checkpoint;
  }

  /** Whether checkpoint {@code checkpoint} of {@code runId} was committed. */
  public synchronized boolean committed(String runId, long checkpoint) {
    scala.collection.Iterator<Tuple2<Object, scala.collection.Seq<Action>>> changes =
        DeltaLog.forTable(spark, path).getChanges(nextVersion, false);
    while (changes.hasNext()) {
      Tuple2<Object, scala.collection.Seq<Action>> commit = changes.next();
      scala.collection.Iterator<Action> actions = commit._2().iterator();
      while (actions.hasNext()) {
        if (actions.next() instanceof CommitInfo info && info.userMetadata().isDefined()) {
          names.add(info.userMetadata().get());
        }
      }
      nextVersion = (Long) commit._1() + 1;
    }
    return names.contains(name(runId, checkpoint));
  }
}
