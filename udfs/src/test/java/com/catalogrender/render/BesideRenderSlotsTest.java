package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class BesideRenderSlotsTest {
  @Test
  void aLimitedSessionScansAndShufflesInThatManyTasksAndLiftedItGetsSparksBack() throws Exception {
    SparkSession spark =
        LocalSpark.builder("beside render slots test", 4)
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.adaptive.enabled", "false")
            .getOrCreate();
    Path dir = Files.createTempDirectory("beside-render-slots");
    try {
      String table = dir.resolve("rows").toString();
      // twelve files: Spark splits a scan of them over the 4 slots
      spark.range(0, 120_000, 1, 12).write().parquet(table);
      SparkSession session = spark.newSession();
      assertTrue(scanTasks(session, table) >= 4, "Spark's own split");
      assertEquals(8, shuffleTasks(session, table));

      BesideRenderSlots.limit(session, BesideRenderSlots.tasks(4));
      assertEquals(2, BesideRenderSlots.tasks(4));
      assertTrue(
          scanTasks(session, table) <= 3, "split into about 2: " + scanTasks(session, table));
      assertEquals(2, shuffleTasks(session, table));

      BesideRenderSlots.lift(session);
      assertTrue(scanTasks(session, table) >= 4);
      assertEquals(8, shuffleTasks(session, table));
      assertEquals(1, BesideRenderSlots.tasks(1), "one slot: one task");
    } finally {
      spark.stop();
      com.catalogrender.runtime.LocalDirectories.deleteTree(dir);
    }
  }

  private static int scanTasks(SparkSession session, String table) {
    return session.read().parquet(table).rdd().getNumPartitions();
  }

  private static int shuffleTasks(SparkSession session, String table) {
    Dataset<Row> grouped = session.read().parquet(table).groupBy(col("id").mod(10)).count();
    return grouped.rdd().getNumPartitions();
  }
}
