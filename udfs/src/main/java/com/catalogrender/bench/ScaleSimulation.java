package com.catalogrender.bench;

import static com.catalogrender.bench.BenchRuns.round;

import com.catalogrender.cost.Rates;
import com.catalogrender.results.RunSummary;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The scale benchmark ({@code bench --scale-simulated}): catalogs of 10^4 to 10^6 rows rendered
 * with the model's device work simulated ({@code simulate_device_seconds}), captions from a {@link
 * SimulatedGateway} with the seed's latencies and hit rate, on this machine's task slots. Per size:
 * a first render of the whole catalog (captions pipelined with the render waves), then a dry run of
 * the catalog with some prompts changed, planned against the first run's history. Prints wall time,
 * the driver's phases, executor idle seconds while the driver works, the driver JVM's heap peak
 * (local mode: executors share it), the Delta log's size, and a projection of the driver's overhead
 * for a cluster of GPUs rendering at the seed's rate.
 */
public final class ScaleSimulation {
  /** The seed's int8 throughput on one H100: 23 renders a second. */
  public static final double SEED_H100_RENDERS_PER_SECOND = 23;

  private final SparkSession spark;
  private final BenchRuns runs;
  private final Consumer<String> progress;

  public ScaleSimulation(BenchRuns runs, Consumer<String> progress) {
    this.spark = runs.spark();
    this.runs = runs;
    this.progress = progress;
  }

  /**
   * Measures each catalog size.
   *
   * @param deviceSeconds simulated device seconds per batch
   * @param distinctShare distinct prompts per catalog row
   * @param changedShare rows whose prompt changes before the dry run with history
   */
  public void run(
      ObjectNode out,
      List<Integer> sizes,
      double deviceSeconds,
      double distinctShare,
      double changedShare,
      int concurrency)
      throws IOException {
    ObjectNode scale = out.putObject("scale_simulated");
    scale.put("simulated_device_seconds_per_batch", deviceSeconds);
    scale.put("distinct_prompt_share", distinctShare);
    scale.put("gateway_concurrency", concurrency);
    scale.put("gateway", "in-process: p95 340 ms miss / 110 ms hit, 47% hits");
    int slots = spark.sparkContext().defaultParallelism();
    scale.put("task_slots", slots);
    Rates rates = Rates.load(null, null);
    double gpuEurPerSecond = rates.deviceEurPerSecond(rates.gpuDeviceClass());
    Double firstWallPerRow = null;
    try (SimulatedGateway gateway = new SimulatedGateway()) {
      Map<String, String> settings =
          Map.of(
              "simulate_device_seconds",
              Double.toString(deviceSeconds),
              "caption_rewriter",
              "gateway",
              "gateway.url",
              gateway.url(),
              "gateway.flavor",
              "bifrost",
              "gateway.concurrency",
              Integer.toString(concurrency),
              "embedding_cache",
              "off");
      // the first size once unmeasured: the JVM's class loading, compilation and Spark's generated
      // code are then behind every size alike (a cold first size took 17.7 s outside the render
      // stages where the warm 10^5 took 8.1, so the wall per further row looked 12% steeper from
      // 10^5 to 10^6 than from 10^4 to 10^5); a cluster's driver pays them once per run, at any
      // size
      int warmUpRows = sizes.get(0);
      progress.accept("scale-simulated: warm-up, " + warmUpRows + " rows, not measured");
      String warmUp = runs.catalog("scale-warm-up");
      writeCatalog(warmUp, warmUpRows, prompts(warmUpRows, distinctShare), 0);
      long warmUpStart = System.nanoTime();
      runs.render("scale-warm-up", warmUp, 25, settings);
      scale.put("warm_up_rows", warmUpRows);
      scale.put("warm_up_wall_seconds", round((System.nanoTime() - warmUpStart) / 1e9));
      deleteImages("scale-warm-up");
      for (int rows : sizes) {
        String name = "scale-" + rows;
        progress.accept("scale-simulated: " + rows + " rows");
        String catalog = runs.catalog(name);
        int prompts = prompts(rows, distinctShare);
        writeCatalog(catalog, rows, prompts, 0);
        long requestsBefore = gateway.requests();
        long hitsBefore = gateway.hits();
        RunSummary run;
        long heapPeak;
        long heapAfterCollection;
        long driverHeapAfterCollection;
        long driverLive;
        long liveMeasures;
        long collectionsNotRun;
        JobTimes jobs = new JobTimes();
        spark.sparkContext().addSparkListener(jobs);
        try (HeapPeak heap = new HeapPeak()) {
          run = runs.render(name, catalog, 25, settings);
          heapPeak = heap.peak();
          heapAfterCollection = heap.peakAfterCollection();
          driverHeapAfterCollection = heap.driverPeakAfterCollection();
          driverLive = heap.driverLivePeak();
          liveMeasures = heap.liveMeasures();
          collectionsNotRun = heap.collectionsNotRun();
        } finally {
          spark.sparkContext().removeSparkListener(jobs);
        }
        ObjectNode size = scale.putObject(Integer.toString(rows));
        RunSummary.Work work = run.work();
        size.put("rows_ok", run.rowsOk());
        size.put("distinct_prompts", prompts);
        size.put("wall_seconds", round(work.wallSeconds()));
        size.put("renders_per_second", round(run.rowsOk() / work.wallSeconds()));
        size.put("render_stage_seconds", round(work.renderStageSeconds()));
        ObjectNode phases = size.putObject("driver_phase_seconds");
        work.phaseSeconds().forEach((phase, seconds) -> phases.put(phase, round(seconds)));
        size.put("caption_seconds", round(work.captionSeconds()));
        size.put("captions_per_second", round(prompts / Math.max(1e-9, work.captionSeconds())));
        // the gateway's pace the render stages would have consumed: above captions_per_second,
        // the waves wait for captions (gateway.concurrency too low for this render rate)
        size.put(
            "captions_per_second_the_render_took",
            round(prompts / Math.max(1e-9, work.renderStageSeconds())));
        size.put("caption_wait_seconds", round(work.captionWaitSeconds()));
        size.put("commit_seconds", round(work.commitSeconds()));
        size.put("gateway_requests", gateway.requests() - requestsBefore);
        size.put(
            "gateway_hit_rate",
            round(
                (double) (gateway.hits() - hitsBefore)
                    / Math.max(1, gateway.requests() - requestsBefore)));
        double idle = work.driverSeconds();
        size.put("driver_seconds_outside_render_stages", round(idle));
        ObjectNode outside = size.putObject("driver_seconds_outside_render_stages_by_phase");
        work.outsideRenderStageSeconds().entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(e -> outside.put(e.getKey(), round(e.getValue())));
        // of those, the seconds during which no task ran at all: the driver alone
        Map<String, RunSummary.PhaseTasks> tasks = work.outsideRenderStageTasks();
        size.put(
            "driver_alone_seconds",
            round(tasks.values().stream().mapToDouble(RunSummary.PhaseTasks::noTaskSeconds).sum()));
        ObjectNode aloneByPhase = size.putObject("driver_alone_seconds_by_phase");
        tasks.entrySet().stream()
            .sorted(
                java.util.Comparator.comparingDouble(
                    (Map.Entry<String, RunSummary.PhaseTasks> e) -> -e.getValue().noTaskSeconds()))
            .forEach(e -> aloneByPhase.put(e.getKey(), round(e.getValue().noTaskSeconds())));
        size.put(
            "other_stage_task_seconds_outside_render_stages",
            round(
                tasks.values().stream()
                    .mapToDouble(RunSummary.PhaseTasks::otherTaskSeconds)
                    .sum()));
        // slots the render did not get while it ran: on a GPU cluster, GPU-seconds lost however
        // many GPUs (the projection counts them beside the driver's seconds times the GPUs)
        double overlapped = work.otherTaskSecondsDuringRenderStages();
        size.put("other_stage_task_seconds_during_render_stages", round(overlapped));
        size.put("executor_idle_seconds_during_driver_phases", round(idle * slots));
        size.put(
            "executor_idle_during_captions_share_of_render",
            round(work.captionWaitSeconds() / Math.max(1e-9, work.renderStageSeconds())));
        size.put("heap_peak_mib", heapPeak / (1 << 20));
        size.put("heap_peak_after_collection_mib", heapAfterCollection / (1 << 20));
        size.put("driver_heap_peak_after_collection_mib", driverHeapAfterCollection / (1 << 20));
        size.put("driver_live_heap_peak_mib", driverLive / (1 << 20));
        size.put("driver_live_heap_full_collections", liveMeasures);
        size.put("driver_live_heap_system_gc_calls_that_did_not_collect", collectionsNotRun);
        ObjectNode slowest = size.putObject("spark_job_seconds_by_call_site");
        jobs.slowest(20).forEach((site, seconds) -> slowest.put(site, round(seconds)));
        size.put("delta_log_bytes", deltaLogBytes(runs.work().resolve(name + "/warehouse")));

        // the same catalog with some prompts changed, planned against this run's history
        writeCatalog(catalog + "-changed", rows, prompts, changedShare);
        long planStart = System.nanoTime();
        RunSummary dry;
        try (HeapPeak heap = new HeapPeak()) {
          Map<String, String> dryRun = new java.util.HashMap<>(settings);
          dryRun.put("dry_run", "true");
          dry = runs.render(name, catalog + "-changed", 25, dryRun);
          size.put("plan_with_history_heap_peak_mib", heap.peak() / (1 << 20));
          size.put(
              "plan_with_history_heap_peak_after_collection_mib",
              heap.peakAfterCollection() / (1 << 20));
          size.put(
              "plan_with_history_driver_heap_peak_after_collection_mib",
              heap.driverPeakAfterCollection() / (1 << 20));
          size.put(
              "plan_with_history_driver_live_heap_peak_mib", heap.driverLivePeak() / (1 << 20));
        }
        size.put("plan_with_history_seconds", round((System.nanoTime() - planStart) / 1e9));
        size.put("plan_with_history_rows_to_render", dry.rows().total() - dry.rows().skipped());
        // projection: GPUs render at the seed's rate; the driver's phases measured here do not
        // shrink with more GPUs, and while they run every GPU waits; the slots other tasks took
        // from the render while it ran are GPU-seconds too (the goal's figure, both together).
        // Beside it, one in which the phases' other stages' tasks (reading, shuffles, merges)
        // spread over the cluster's slots, one per GPU
        ObjectNode projection = size.putObject("projection");
        for (int gpus : new int[] {8, 64}) {
          double renderWall = rows / SEED_H100_RENDERS_PER_SECOND / gpus;
          double gpuEur = rows / SEED_H100_RENDERS_PER_SECOND * gpuEurPerSecond;
          double idleEur = (idle * gpus + overlapped) * gpuEurPerSecond;
          double spread = secondsIfOtherTasksSpread(work.outsideRenderStageSeconds(), tasks, gpus);
          ObjectNode p = projection.putObject(gpus + "_gpus");
          p.put("render_wall_seconds", round(renderWall));
          p.put("wall_seconds", round(renderWall + idle));
          p.put("gpu_eur", round(gpuEur));
          p.put("idle_gpu_eur_during_driver_phases", round(idleEur));
          p.put("driver_overhead_share", round(idleEur / gpuEur));
          p.put("driver_seconds_if_other_tasks_spread", round(spread));
          p.put(
              "driver_overhead_share_if_other_tasks_spread",
              round((spread * gpus + overlapped) * gpuEurPerSecond / gpuEur));
        }
        double wallPerRow = work.wallSeconds() / rows;
        if (firstWallPerRow == null) {
          firstWallPerRow = wallPerRow;
        }
        size.put("wall_per_row_vs_smallest", round(wallPerRow / firstWallPerRow));
        progress.accept("scale-simulated " + rows + ": " + size);
        deleteImages(name);
      }
    }
    ScaleGoals.judge(scale, sizes);
  }

  /** Distinct prompts of a catalog of {@code rows} rows, {@code share} of them distinct. */
  private static int prompts(int rows, double share) {
    return Math.max(1, (int) Math.round(rows * share));
  }

  /** Deletes the images of run {@code name}: 10^6 small files otherwise stay. */
  private void deleteImages(String name) throws IOException {
    com.catalogrender.runtime.LocalDirectories.deleteTree(runs.work().resolve(name + "/images"));
  }

  /**
   * The driver's seconds outside the render stages ({@code outside}, per phase) on a cluster of
   * {@code slots} task slots, if each phase's other stages' task attempts spread evenly over the
   * slots: per phase, its seconds with no task running, plus its stages' longest attempts (however
   * many slots, a stage takes as long as its longest task), plus their slot-seconds over the slots;
   * never more than measured here. A phase without a record of its tasks stays as measured.
   */
  static double secondsIfOtherTasksSpread(
      Map<String, Double> outside, Map<String, RunSummary.PhaseTasks> tasks, int slots) {
    double seconds = 0;
    for (Map.Entry<String, Double> phase : outside.entrySet()) {
      RunSummary.PhaseTasks ran = tasks.get(phase.getKey());
      seconds +=
          ran == null
              ? phase.getValue()
              : Math.min(
                  phase.getValue(),
                  ran.noTaskSeconds()
                      + ran.longestOtherTaskSeconds()
                      + ran.otherTaskSeconds() / slots);
    }
    return seconds;
  }

  /**
   * A catalog of {@code rows} 64x64 rows over {@code prompts} distinct prompts (demo wording, four
   * categories); {@code changedShare} of the rows get a prompt never seen before.
   */
  private void writeCatalog(String path, int rows, int prompts, double changedShare) {
    int changedEvery = changedShare <= 0 ? 0 : (int) Math.max(1, Math.round(1 / changedShare));
    String prompt =
        "concat(element_at(array('red','blue','green','white','black','yellow'), cast(p % 6 + 1 as"
            + " int)), ' ', element_at(array('mug','sneaker','bottle','lamp'), cast(p % 4 + 1 as"
            + " int)), ' on ', element_at(array('wood','marble','beach'), cast(p % 3 + 1 as int)),"
            + " ' style ', cast(p as string)"
            + (changedEvery > 0 ? ", if(id % " + changedEvery + " = 0, ' v2', '')" : "")
            + ")";
    spark
        .range(rows)
        .selectExpr("id", "(id * 7919) % " + prompts + " as p")
        .selectExpr(
            "format_string('SKU-%08d', id) as sku",
            "concat(element_at(array('mug','sneaker','bottle','lamp'), cast(p % 4 + 1 as int)),"
                + " 's') as category",
            prompt + " as prompt",
            "64 as width",
            "64 as height",
            "id as seed",
            "cast(null as string) as source_image",
            "current_timestamp() as updated_at")
        .repartition(Math.max(2, rows / 250_000))
        .write()
        .format("delta")
        .mode("overwrite")
        .save(path);
  }

  private static long deltaLogBytes(Path warehouse) throws IOException {
    long bytes = 0;
    for (String table : new String[] {"renders", "current_images", "runs"}) {
      Path log = warehouse.resolve(table).resolve("_delta_log");
      if (Files.isDirectory(log)) {
        try (Stream<Path> files = Files.walk(log)) {
          bytes += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
      }
    }
    return bytes;
  }

  /** Spark jobs' wall seconds by the call site of their last stage (where driver time goes). */
  private static final class JobTimes extends org.apache.spark.scheduler.SparkListener {
    private final Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Double> seconds = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
      started.put(job.jobId(), System.nanoTime());
      scala.collection.Seq<org.apache.spark.scheduler.StageInfo> stages = job.stageInfos();
      names.put(job.jobId(), stages.isEmpty() ? "?" : stages.last().name());
    }

    @Override
    public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd job) {
      Long start = started.remove(job.jobId());
      String name = names.remove(job.jobId());
      if (start != null) {
        seconds.merge(name, (System.nanoTime() - start) / 1e9, Double::sum);
      }
    }

    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted stage) {
      org.apache.spark.scheduler.StageInfo info = stage.stageInfo();
      if (info.submissionTime().isDefined() && info.completionTime().isDefined()) {
        seconds.merge(
            "stage " + info.name() + " (" + info.numTasks() + " tasks)",
            ((Long) info.completionTime().get() - (Long) info.submissionTime().get()) / 1e3,
            Double::sum);
      }
    }

    Map<String, Double> slowest(int n) {
      Map<String, Double> top = new java.util.LinkedHashMap<>();
      seconds.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .limit(n)
          .forEach(e -> top.put(e.getKey(), e.getValue()));
      return top;
    }
  }

  /**
   * The JVM's heap in use, sampled every 50 ms while open, and what each collection left, with and
   * without the memory Spark's memory manager holds for the executors. In local mode the executors
   * share the driver's JVM: their sort and aggregation pages (on-heap {@code long[]}, 64 MiB each)
   * and their cached blocks (the run's plan) count in the JVM's heap, though on a cluster they are
   * the executors' memory (a live-object histogram at 10^5 rows: 271 MB of {@code long[]}, a heap
   * dump: mostly single 64 MiB pages).
   */
  static final class HeapPeak implements AutoCloseable {
    /**
     * Seconds between the full collections that measure the live heap (each a pause of ~1 s); 15
     * while printing histograms.
     */
    static final int FULL_COLLECTION_SECONDS = 60;

    static final String HISTOGRAM_PROPERTY = "catalogrender.bench.heapHistogramMib";

    /** MiB the driver's live heap rises by between two histograms (0: none). */
    private static final long HISTOGRAM_STEP_BYTES = Long.getLong(HISTOGRAM_PROPERTY, 0) << 20;

    /** Times a measure of the live heap calls {@code System.gc()} before it gives up. */
    static final int FULL_COLLECTION_TRIES = 50;

    /** Diagnosing, a full collection every 15 s rather than every minute. */
    private static final long FULL_COLLECTION_EVERY_NANOS =
        (HISTOGRAM_STEP_BYTES > 0 ? 15 : FULL_COLLECTION_SECONDS) * 1_000_000_000L;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakAfterCollection = new AtomicLong();
    private final AtomicLong driverPeakAfterCollection = new AtomicLong();
    private final AtomicLong driverLivePeak = new AtomicLong();
    private final AtomicLong liveMeasures = new AtomicLong();
    private final AtomicLong collectionsNotRun = new AtomicLong();
    private final Thread sampler;
    private final javax.management.NotificationListener collections;
    private volatile boolean open = true;

    /**
     * The heap's free share above which a full collection gives memory back to the system (a
     * manageable flag, set while measuring).
     */
    private static final String MAX_HEAP_FREE_RATIO = "MaxHeapFreeRatio";

    private final com.sun.management.HotSpotDiagnosticMXBean flags =
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    private final String maxHeapFreeRatio;

    HeapPeak() {
      // the measures' full collections do not shrink the heap the run works in: after the one
      // here, G1 gave back half the heap (1.0 GB committed, 496 MB after) and the run's plan and
      // layout then ran beside a concurrent cycle every 0.4 s while the heap grew again (a flight
      // recording of a 10^5-row run: the JVM at 80-90% CPU, few samples in Java code); a driver
      // that no one collects by hand keeps the heap it grew
      maxHeapFreeRatio = flags.getVMOption(MAX_HEAP_FREE_RATIO).getValue();
      flags.setVMOption(MAX_HEAP_FREE_RATIO, "100");
      System.gc();
      sampler =
          new Thread(
              () -> {
                long nextFull = System.nanoTime() + FULL_COLLECTION_EVERY_NANOS;
                while (open) {
                  peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  if (System.nanoTime() >= nextFull) {
                    measureLive();
                    nextFull = System.nanoTime() + FULL_COLLECTION_EVERY_NANOS;
                  }
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-peak");
      sampler.setDaemon(true);
      sampler.start();
      // what each collection left: the heap the driver needs, without garbage not yet collected
      collections =
          (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                notification.getType())) {
              long used =
                  GarbageCollectionNotificationInfo.from(
                          (javax.management.openmbean.CompositeData) notification.getUserData())
                      .getGcInfo()
                      .getMemoryUsageAfterGc()
                      .values()
                      .stream()
                      .mapToLong(java.lang.management.MemoryUsage::getUsed)
                      .sum();
              peakAfterCollection.accumulateAndGet(used, Math::max);
              driverPeakAfterCollection.accumulateAndGet(used - executorsHeld(), Math::max);
            }
          };
      for (java.lang.management.GarbageCollectorMXBean collector :
          ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) collector)
            .addNotificationListener(collections, null, null);
      }
    }

    /** The most heap in use at any sample, garbage not yet collected included. */
    long peak() {
      return peak.get();
    }

    /** The most heap in use right after a collection (the JVM's live data at its largest). */
    long peakAfterCollection() {
      return peakAfterCollection.get();
    }

    /**
     * The most heap in use right after a collection, less what Spark's memory manager held for the
     * executors at that moment (on-heap execution pages and cached blocks): the driver's own.
     */
    long driverPeakAfterCollection() {
      return driverPeakAfterCollection.get();
    }

    /**
     * The most heap the driver held right after a full collection (one every {@value
     * #FULL_COLLECTION_SECONDS} s, and one now, at the end), less the executors' part: its live
     * data. After a young collection the old generation still holds garbage the collector has not
     * reclaimed yet (G1 marks the old generation only when it fills up): at 10^5 rows, 1,086 MiB
     * after collections, 460 MiB of live objects in a class histogram taken late in the run.
     */
    long driverLivePeak() {
      measureLive();
      return driverLivePeak.get();
    }

    /**
     * A full collection (synchronous), then the driver's part of what it left. {@code System.gc()}
     * returns without collecting while a thread is in a JNI critical region (compression codecs,
     * libtorch copies: G1 on Java 17 does not wait for them), and the heap in use then still holds
     * every garbage object: a measure counts only when the full collections' count went up, else it
     * is tried again a moment later (at most {@value #FULL_COLLECTION_TRIES} times).
     */
    private void measureLive() {
      for (int attempt = 0; attempt < FULL_COLLECTION_TRIES; attempt++) {
        long full = fullCollections();
        System.gc();
        if (fullCollections() > full) {
          long held = executorsHeld();
          long live = memory.getHeapMemoryUsage().getUsed() - held;
          liveMeasures.incrementAndGet();
          long before = driverLivePeak.getAndAccumulate(live, Math::max);
          if (HISTOGRAM_STEP_BYTES > 0 && live > before + HISTOGRAM_STEP_BYTES) {
            printHistogram(live, held);
          }
          return;
        }
        collectionsNotRun.incrementAndGet();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /** Full collections of the heap so far (G1: its "Old Generation" collector's count). */
    private static long fullCollections() {
      long count = 0;
      for (java.lang.management.GarbageCollectorMXBean collector :
          ManagementFactory.getGarbageCollectorMXBeans()) {
        if (!collector.getName().matches(".*(Young|Scavenge|Copy|ParNew).*")) {
          count += Math.max(0, collector.getCollectionCount());
        }
      }
      return count;
    }

    /** Full collections that measured the live heap. */
    long liveMeasures() {
      return liveMeasures.get();
    }

    /** {@code System.gc()} calls that returned without a full collection (not measures). */
    long collectionsNotRun() {
      return collectionsNotRun.get();
    }

    /**
     * Diagnosis of the live heap ({@code -D}{@value #HISTOGRAM_PROPERTY}{@code =N}, through
     * CATALOG_RENDER_JAVA_OPTS): at each new peak N MiB above the last, the stages running and the
     * classes holding the most live bytes, on standard error. Each costs another full collection
     * and a heap walk (seconds at GiBs), so the run's other figures are not comparable.
     */
    private static void printHistogram(long live, long held) {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "heap histogram: driver live %d MiB, executors' pages and blocks %d MiB%n",
              live >> 20, held >> 20));
      SparkSession.getDefaultSession()
          .foreach(
              session -> {
                org.apache.spark.SparkStatusTracker tracker =
                    session.sparkContext().statusTracker();
                for (int stage : tracker.getActiveStageIds()) {
                  tracker
                      .getStageInfo(stage)
                      .foreach(
                          info ->
                              out.append(
                                  String.format(
                                      "  active stage %d: %s (%d running tasks)%n",
                                      stage, info.name(), info.numActiveTasks())));
                }
                return null;
              });
      try {
        String histogram =
            (String)
                ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                        new javax.management.ObjectName(
                            "com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        histogram.lines().limit(33).forEach(line -> out.append("  ").append(line).append('\n'));
      } catch (javax.management.JMException e) {
        out.append("  no histogram: ").append(e).append('\n');
      }
      System.err.print(out);
    }

    /** Bytes of the JVM's heap Spark's memory manager holds for tasks and cached blocks now. */
    private static long executorsHeld() {
      org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
      if (env == null) {
        return 0;
      }
      return env.memoryManager().onHeapExecutionMemoryPool().memoryUsed()
          + env.memoryManager().onHeapStorageMemoryPool().memoryUsed();
    }

    @Override
    public void close() {
      open = false;
      sampler.interrupt();
      flags.setVMOption(MAX_HEAP_FREE_RATIO, maxHeapFreeRatio);
      for (java.lang.management.GarbageCollectorMXBean collector :
          ManagementFactory.getGarbageCollectorMXBeans()) {
        try {
          ((javax.management.NotificationEmitter) collector)
              .removeNotificationListener(collections);
        } catch (javax.management.ListenerNotFoundException e) {
          // not added to this collector
        }
      }
    }
  }
}
