package com.catalogrender.tables;

import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;

/** A Delta table's latest snapshot, read from its log (Scala's default arguments spelled out). */
final class DeltaSnapshots {
  private DeltaSnapshots() {}

  /** {@code log} brought up to date: its latest version. */
  static Snapshot latest(DeltaLog log) {
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
  }
}
