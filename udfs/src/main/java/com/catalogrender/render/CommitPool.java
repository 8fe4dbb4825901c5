package com.catalogrender.render;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Moves a wave's writer thread into a FAIR pool of its own once the wave's render job ended, so the
 * jobs Delta runs to commit the wave do not queue behind the render tasks of the waves submitted
 * after it. Every tenth commit to {@code renders} writes a Delta checkpoint with a Spark job of its
 * own; in the waves' pool Spark's FIFO order put it behind up to two waves' render tasks, and near
 * the run's end that wave was committed last, after the render, holding back the last merge (wave
 * 20 of 22 at 10^5 rows, 200 of 202 at 10^6: bench --scale-simulated). With nothing else in it, the
 * commits' pool is offered the next free slot ahead of the waves' pool (fewer running tasks; on a
 * tie, its name sorts first).
 *
 * <p>A job cannot be moved once submitted, and the pool is the submitting thread's local property,
 * read when it submits a job; the wave's thread is inside Delta's write then. So the thread hands
 * its live properties over on {@link #enter} ({@code SparkContext.getLocalProperties}, Spark's own
 * object for the thread), and this listener sets their pool when the wave's job with a render stage
 * ends: the thread's next job, the commit's, goes to the commits' pool.
 */
final class CommitPool extends SparkListener {
  static final String POOL = "catalog-render-commits";
  private static final String POOL_PROPERTY = "spark.scheduler.pool";
  private static final String WAVE_PROPERTY = "catalog-render.checkpoint-wave";

  private final SparkContext context;
  private final Supplier<? extends Collection<Integer>> renderStages;
  private final java.util.function.IntConsumer renderEnded;
  private final Map<String, Properties> writers = new ConcurrentHashMap<>();
  private final Map<Integer, JobOfWave> jobs = new ConcurrentHashMap<>();

  private record JobOfWave(String wave, List<Object> stages) {}

  /**
   * @param renderStages the ids of the stages that rendered so far (a task adds its stage before
   *     its job ends)
   * @param renderEnded told each wave whose render job ended (on Spark's listener thread)
   */
  CommitPool(
      SparkContext context,
      Supplier<? extends Collection<Integer>> renderStages,
      java.util.function.IntConsumer renderEnded) {
    this.context = context;
    this.renderStages = renderStages;
    this.renderEnded = renderEnded;
  }

  /** On the wave's thread, before its write: its jobs go to the waves' pool until it rendered. */
  void enter(int wave) {
    context.setLocalProperty(POOL_PROPERTY, null);
    context.setLocalProperty(WAVE_PROPERTY, Integer.toString(wave));
    writers.put(Integer.toString(wave), context.getLocalProperties());
  }

  /** On the wave's thread, after its write (committed or not): back to the waves' pool. */
  void exit(int wave) {
    writers.remove(Integer.toString(wave));
    context.setLocalProperty(WAVE_PROPERTY, null);
    context.setLocalProperty(POOL_PROPERTY, null);
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    Properties properties = start.properties();
    String wave = properties == null ? null : properties.getProperty(WAVE_PROPERTY);
    if (wave != null && writers.containsKey(wave)) {
      jobs.put(
          start.jobId(),
          new JobOfWave(
              wave, List.copyOf(scala.collection.JavaConverters.seqAsJavaList(start.stageIds()))));
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    JobOfWave job = jobs.remove(end.jobId());
    if (job == null) {
      return;
    }
    Set<Integer> rendered = new HashSet<>(renderStages.get());
    if (job.stages().stream().anyMatch(rendered::contains)) {
      Properties writer = writers.remove(job.wave());
      if (writer != null) {
        writer.setProperty(POOL_PROPERTY, POOL);
      }
      renderEnded.accept(Integer.parseInt(job.wave()));
    }
  }
}
