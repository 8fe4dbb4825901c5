package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitPoolTest {
  /**
   * A wave's thread appends its rendered rows to a Delta table whose every commit writes a
   * checkpoint (Spark jobs of Delta's own, after the render job): the render job runs in the waves'
   * pool, the checkpoint's jobs in the commits' pool, where Spark's FAIR scheduler offers them the
   * next free slot ahead of the waves queued behind (fewer running tasks; on a tie, the name).
   */
  @Test
  void aWavesCommitJobsGoToTheCommitsPoolOnceItRendered(@TempDir Path directory) throws Exception {
    SparkSession spark =
        LocalSpark.withDelta("commit pool test", 2)
            .config("spark.scheduler.mode", "FAIR")
            .config("spark.databricks.delta.properties.defaults.checkpointInterval", "1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      SparkContext context = spark.sparkContext();
      String table = directory.resolve("renders").toString();
      spark.range(0).write().format("delta").save(table);
      // the render tasks say which stages rendered, as PartitionRenderer's do
      CollectionAccumulator<Integer> renderStages = context.collectionAccumulator();
      List<Integer> rendered = new java.util.concurrent.CopyOnWriteArrayList<>();
      CommitPool pool = new CommitPool(context, renderStages::value, rendered::add);
      List<String> poolsOfWaveJobs = new java.util.concurrent.CopyOnWriteArrayList<>();
      SparkListener jobs =
          new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
              if ("wave 1".equals(start.properties().getProperty("spark.job.description"))) {
                poolsOfWaveJobs.add(
                    start.jobId()
                        + " "
                        + start.properties().getProperty("spark.scheduler.pool", "default"));
              }
            }
          };
      context.addSparkListener(jobs);
      context.addSparkListener(pool);
      Thread wave =
          new Thread(
              () -> {
                pool.enter(0);
                try {
                  context.setJobDescription("wave 1");
                  spark
                      .range(0, 2, 1, 2)
                      .map(
                          (MapFunction<Long, Long>)
                              i -> {
                                renderStages.add(TaskContext.get().stageId());
                                Thread.sleep(300);
                                return i;
                              },
                          Encoders.LONG())
                      .toDF("id")
                      .write()
                      .format("delta")
                      .mode("append")
                      .save(table);
                } finally {
                  pool.exit(0);
                }
              });
      wave.start();
      wave.join(120_000);
      assertTrue(
          Files.exists(
              directory.resolve("renders/_delta_log/00000000000000000001.checkpoint.parquet")));
      context.removeSparkListener(pool);
      context.removeSparkListener(jobs);
      // the render's job first, in the waves' pool; the checkpoint's after it, in the commits'
      assertTrue(poolsOfWaveJobs.size() >= 2, poolsOfWaveJobs.toString());
      assertTrue(poolsOfWaveJobs.get(0).endsWith(" default"), poolsOfWaveJobs.toString());
      for (String job : poolsOfWaveJobs.subList(1, poolsOfWaveJobs.size())) {
        assertTrue(job.endsWith(" " + CommitPool.POOL), poolsOfWaveJobs.toString());
      }
      // the wave's render job ended once, and was told once (its commit's jobs render nothing)
      assertEquals(List.of(0), rendered);
    } finally {
      spark.stop();
      // Delta's logs stay cached, with their snapshots, after the session stops: in the tests'
      // JVM of 1 GiB that left HeapPeakTest without room for its 64 MiB array
      org.apache.spark.sql.delta.DeltaLog.clearCache();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  @Test
  void aThreadLeavesTheCommitsPoolWhenItsWaveIsWritten() {
    SparkSession spark = LocalSpark.builder("commit pool test", 1).getOrCreate();
    try {
      SparkContext context = spark.sparkContext();
      CommitPool pool = new CommitPool(context, List::of, wave -> {});
      context.setLocalProperty("spark.scheduler.pool", CommitPool.POOL);
      pool.enter(3);
      assertNull(context.getLocalProperty("spark.scheduler.pool"));
      context.setLocalProperty("spark.scheduler.pool", CommitPool.POOL);
      pool.exit(3);
      assertNull(context.getLocalProperty("spark.scheduler.pool"));
    } finally {
      spark.stop();
    }
  }
}
