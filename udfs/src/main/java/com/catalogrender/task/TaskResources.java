package com.catalogrender.task;

import com.catalogrender.diffusion.BatchRenderer;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.SimulatedRenderer;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.io.ImageStore;
import com.catalogrender.measure.DeviceClock;
import com.catalogrender.post.ImageEncoder;
import com.catalogrender.results.RenderResult;
import com.catalogrender.runtime.ExecutorHadoop;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.runtime.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * What one task renders with: its device, a predictor per variant on the model the executor-wide
 * registry loaded once (closed at task end), the image store and encoder, the post-processing
 * thread of GPU tasks, and the task's own device clock for its busy share.
 */
final class TaskResources implements AutoCloseable {
  final DeviceAssignment assignment;
  final Configuration hadoop;
  final String executorId;

  /** Temporary image files are named by run and attempt, so the run can sweep lost attempts'. */
  final String attempt;

  final ImageStore store;
  final ImageEncoder encoder;

  /** Post-processes and uploads while the device renders the next batch (GPU tasks), or null. */
  final ExecutorService finisher;

  private final RenderSpec spec;
  private final RunMeters meters;
  private final RenderResult.Placement placement;
  private final Map<Variant, BatchRenderer> predictors = new EnumMap<>(Variant.class);
  private final DeviceClock clock;
  private final long startNanos;
  private final boolean injectFailure;
  private final AtomicInteger imagesWritten = new AtomicInteger();
  private double deviceSeconds;
  private double unbudgetedLoadSeconds;
  private boolean rendered;

  private TaskResources(
      RenderSpec spec,
      RunMeters meters,
      DeviceAssignment assignment,
      Configuration hadoop,
      String executorId,
      String attempt,
      boolean injectFailure)
      throws IOException {
    this.spec = spec;
    this.meters = meters;
    this.assignment = assignment;
    this.hadoop = hadoop;
    this.executorId = executorId;
    this.attempt = attempt;
    this.injectFailure = injectFailure;
    this.store = new ImageStore(spec.images().root(), hadoop);
    this.encoder = new ImageEncoder(spec.images().format(), spec.images().quality());
    this.startNanos = spec.ticker().nanoTime();
    this.clock = ModelRegistry.executorWide().clock(assignment.slot());
    clock.taskStarted();
    this.placement =
        new RenderResult.Placement(
            assignment.device().toString(),
            assignment.gpuAddress(),
            assignment.device().cuda()
                ? spec.rates().gpuDeviceClass()
                : spec.rates().cpuDeviceClass(),
            executorId);
    // overlap only when the model runs on a GPU: on the CPU a post-processing thread competes
    // with the task's torch threads for the same cores (measured: slower, not faster)
    this.finisher =
        spec.tasks().postQueueBatches() == 0 || !assignment.scheduledOnGpu()
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "catalog-render-post-" + attempt);
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Resources of {@code task} (null outside Spark: the CPU, a local Hadoop configuration). */
  static TaskResources open(RenderSpec spec, RunMeters meters, TaskContext task)
      throws IOException {
    Configuration hadoop = ExecutorHadoop.get();
    String executorId = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    String attempt = spec.runId() + "-" + (task == null ? "local" : task.taskAttemptId());
    boolean injectFailure =
        spec.testing().failFirstAttemptAfterRows() > 0
            && task != null
            && task.attemptNumber() == 0
            && task.partitionId() == 0;
    return new TaskResources(
        spec,
        meters,
        DeviceAssignment.fromTask(task, spec.tasks().gpuAddressesOnCpu()),
        hadoop,
        executorId,
        attempt,
        injectFailure);
  }

  /** This task's predictor for {@code variant}; the first use may load the model (a fixed cost). */
  BatchRenderer predictor(Variant variant) {
    return predictors.computeIfAbsent(
        variant,
        v -> {
          ModelRegistry.Acquired acquired =
              ModelRegistry.executorWide()
                  .acquire(localModel(), v, assignment.device(), assignment.slot());
          if (acquired.loadedNow()) {
            meters.modelLoads().add(1);
            meters.modelLoadSeconds().add(acquired.loadSeconds());
            unbudgetedLoadSeconds += acquired.loadSeconds();
          }
          if (spec.model().simulateDeviceSeconds() > 0) {
            return new SimulatedRenderer(
                spec.model().simulateDeviceSeconds(), spec.ticker(), clock);
          }
          DiffusionModel model = acquired.model();
          return model.newPredictor(spec.ticker(), spec.embeddingCache().executorWide(), clock);
        });
  }

  /** The model directory on this machine: a remote one is fetched once per executor. */
  private Path localModel() {
    String cache = spec.model().cacheDirectory();
    ModelCache.Local local =
        ModelCache.resolve(
            spec.model().directory(),
            cache == null ? ModelCache.defaultRoot() : Path.of(cache),
            hadoop);
    if (local.fetchedNow()) {
      meters.modelFetch().fetches().add(1);
      meters.modelFetch().seconds().add(local.seconds());
    }
    meters.modelFetch().cacheBytes().add(local.bytes());
    return local.directory();
  }

  /** Where this task's rows are rendered, for their result rows. */
  RenderResult.Placement placement() {
    String deviceClass =
        assignment.device().cuda() ? spec.rates().gpuDeviceClass() : spec.rates().cpuDeviceClass();
    return new RenderResult.Placement(
        assignment.device().toString(), assignment.gpuAddress(), deviceClass, executorId);
  }

  RenderSpec spec() {
    return spec;
  }

  RunMeters meters() {
    return meters;
  }

  /** What this task's model loads cost that the budget has not been charged yet; resets it. */
  double takeUnbudgetedLoadEur() {
    double eur = unbudgetedLoadSeconds * spec.rates().taskEurPerSecond(assignment.device().cuda());
    unbudgetedLoadSeconds = 0;
    return eur;
  }

  /** Adds a rendered batch's device seconds to the task's busy clock. */
  void deviceBusy(double seconds) {
    deviceSeconds += seconds;
    rendered = true;
  }

  /** Counts a stored image; the testing hook fails the first attempt of partition 0 here. */
  void imageWritten() {
    int written = imagesWritten.incrementAndGet();
    if (injectFailure && written >= spec.testing().failFirstAttemptAfterRows()) {
      throw new IllegalStateException(
          "injected failure after " + written + " images (testing_fail_first_attempt_after_rows)");
    }
  }

  @Override
  public void close() {
    if (finisher != null) {
      finisher.shutdownNow();
    }
    double taskSeconds = spec.ticker().secondsSince(startNanos);
    meters.taskSeconds().add(taskSeconds);
    TaskContext task = TaskContext.get();
    if (task != null) {
      meters.renderStages().add(task.stageId());
    }
    if (rendered && taskSeconds > 0) {
      meters.deviceBusySharePerTask().add(Math.min(1.0, deviceSeconds / taskSeconds));
    }
    predictors.values().forEach(BatchRenderer::close);
    predictors.clear();
    clock.taskEnded();
    DeviceClock.Reading reading = clock.takeUnreported();
    meters
        .deviceClocks()
        .add(
            new DeviceClock.Reading(
                executorId + "/" + clock.device(), reading.busySeconds(), reading.heldSeconds()));
  }
}
