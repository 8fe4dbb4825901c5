package com.catalogrender.render;

import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.cost.StageCosts;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.io.ImageStore;
import com.catalogrender.io.ObjectKeys;
import com.catalogrender.post.CutoutCompositor;
import com.catalogrender.post.ImageEncoder;
import com.catalogrender.post.ImageResizer;
import com.catalogrender.runtime.DeviceSemaphore;
import com.catalogrender.runtime.ModelRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders one partition of planned catalog rows into {@link RenderResult} rows, lazily, batch by
 * batch, so a partition of any size needs memory for one batch only.
 *
 * <p>Phases per row: validate (bad rows fail here with a reason, before any model work) -> caption
 * -> wait for a full batch of its variant -> text encoder, UNet, VAE (one predictor per task, on
 * the model the executor-wide registry loaded once) -> composite, resize, sharpen, encode -> write
 * under the image root. Stage seconds of a batch are split over its rows by their share of the work
 * (all rows of a batch share native size and steps, so equally), and add up to the batch's measured
 * seconds exactly.
 */
public final class PartitionRenderer implements MapPartitionsFunction<Row, Row> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRenderer.class);

  private final RenderSpec spec;
  private final RunMeters meters;

  public PartitionRenderer(RenderSpec spec, RunMeters meters) {
    this.spec = spec;
    this.meters = meters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    TaskContext task = TaskContext.get();
    DeviceAssignment assignment = DeviceAssignment.fromTask(task, spec.tasks().gpuAddressesOnCpu());
    Configuration hadoop =
        SparkEnv.get() == null
            ? new Configuration()
            : SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf());
    String executorId = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    // temporary image files are named by run and attempt, so the run can sweep what a lost
    // executor left behind
    String attempt = spec.runId() + "-" + (task == null ? "local" : task.taskAttemptId());
    TaskRendering rendering = new TaskRendering(assignment, hadoop, executorId, attempt);
    if (task != null) {
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) context -> rendering.close());
    }
    return new ResultIterator(input, rendering);
  }

  /** Per-task state: predictors per variant (closed at task end), image store, encoder. */
  private final class TaskRendering implements AutoCloseable {
    final DeviceAssignment assignment;
    final Configuration hadoop;
    final String executorId;
    final String attempt;
    final ImageStore store;
    final ImageEncoder encoder;
    final TemplateCaptionRewriter template = new TemplateCaptionRewriter();
    final Map<Variant, DiffusionPredictor> predictors = new EnumMap<>(Variant.class);
    final boolean injectFailure;
    final long startNanos;
    final com.catalogrender.budget.BudgetClient budget;
    final ExecutorService finisher;
    boolean budgetSpent;
    volatile double lastBatchEurPerRow;
    final AtomicInteger imagesWritten = new AtomicInteger();
    double deviceSeconds;
    boolean rendered;

    TaskRendering(
        DeviceAssignment assignment, Configuration hadoop, String executorId, String attempt)
        throws IOException {
      this.assignment = assignment;
      this.hadoop = hadoop;
      this.executorId = executorId;
      this.attempt = attempt;
      this.store = new ImageStore(spec.imageRoot(), hadoop);
      this.encoder = new ImageEncoder(spec.format(), spec.quality());
      this.startNanos = spec.ticker().nanoTime();
      this.budget =
          spec.budgetUrl() == null
              ? null
              : new com.catalogrender.budget.BudgetClient(spec.budgetUrl());
      TaskContext task = TaskContext.get();
      this.injectFailure =
          spec.failFirstAttemptAfterRows() > 0
              && task != null
              && task.attemptNumber() == 0
              && task.partitionId() == 0;
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

    void afterImageWritten() {
      int written = imagesWritten.incrementAndGet();
      if (injectFailure && written >= spec.failFirstAttemptAfterRows()) {
        throw new IllegalStateException(
            "injected failure after "
                + written
                + " images (testing_fail_first_attempt_after_rows)");
      }
    }

    DiffusionPredictor predictor(Variant variant) {
      return predictors.computeIfAbsent(
          variant,
          v -> {
            ModelRegistry.Acquired acquired =
                ModelRegistry.executorWide()
                    .acquire(
                        Path.of(spec.modelDirectory()), v, assignment.device(), assignment.slot());
            if (acquired.loadedNow()) {
              meters.modelLoads().add(1);
              meters.modelLoadSeconds().add(acquired.loadSeconds());
            }
            DiffusionModel model = acquired.model();
            return model.newPredictor(spec.ticker(), spec.embeddingCache().executorWide());
          });
    }

    String device() {
      return assignment.device().toString();
    }

    String deviceClass() {
      return assignment.device().cuda()
          ? spec.rates().gpuDeviceClass()
          : spec.rates().cpuDeviceClass();
    }

    @Override
    public void close() {
      if (finisher != null) {
        finisher.shutdownNow();
      }
      double taskSeconds = spec.ticker().secondsSince(startNanos);
      meters.taskSeconds().add(taskSeconds);
      if (rendered && taskSeconds > 0) {
        meters.deviceBusySharePerTask().add(Math.min(1.0, deviceSeconds / taskSeconds));
      }
      predictors.values().forEach(DiffusionPredictor::close);
      predictors.clear();
    }
  }

  /** A row that passed validation, with its caption and (optional) cut-out. */
  private record Pending(CatalogRow row, CatalogRow.PlannedCaption caption, BufferedImage cutout) {}

  private final class ResultIterator implements Iterator<Row> {
    private final Iterator<Row> input;
    private final TaskRendering task;
    private final Map<Variant, List<Pending>> waiting = new EnumMap<>(Variant.class);
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private final ArrayDeque<Future<List<RenderResult>>> finishing = new ArrayDeque<>();

    ResultIterator(Iterator<Row> input, TaskRendering task) {
      this.input = input;
      this.task = task;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (!finishing.isEmpty() && finishing.peek().isDone()) {
          collect(finishing.poll());
        } else if (input.hasNext()) {
          accept(CatalogRow.from(input.next()));
        } else if (!waiting.isEmpty()) {
          Variant variant = waiting.keySet().iterator().next();
          renderBatch(variant, waiting.remove(variant));
        } else if (!finishing.isEmpty()) {
          collect(finishing.poll());
        } else {
          return false;
        }
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void accept(CatalogRow row) {
      boolean gpu = task.assignment.device().cuda();
      Variant variant =
          row.width() == null || row.height() == null
              ? spec.variants().cpuVariant()
              : spec.variants().choose(row.width(), row.height(), gpu);
      String reason = row.rejectReason(spec.maxSide());
      BufferedImage cutout = null;
      if (reason == null && row.sourceImage() != null && !row.sourceImage().isBlank()) {
        try {
          cutout = readCutout(row.sourceImage());
        } catch (IOException | RuntimeException e) {
          reason = e.getMessage();
        }
      }
      if (reason != null) {
        emit(failure(row, variant, reason));
        return;
      }
      CatalogRow.PlannedCaption caption = row.caption();
      if (caption == null) {
        // not planned by the driver's caption phase (a row built outside a run): template, here
        long start = spec.ticker().nanoTime();
        String text = task.template.caption(row.category(), row.prompt());
        caption =
            new CatalogRow.PlannedCaption(
                text,
                TemplateCaptionRewriter.SOURCE,
                TemplateCaptionRewriter.SOURCE,
                null,
                1,
                0,
                0,
                0,
                0,
                spec.ticker().secondsSince(start));
      }
      List<Pending> batch = waiting.computeIfAbsent(variant, v -> new ArrayList<>());
      batch.add(new Pending(row, caption, cutout));
      if (batch.size() >= spec.batchSize()) {
        renderBatch(variant, waiting.remove(variant));
      }
    }

    private BufferedImage readCutout(String uri) throws IOException {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = path.getFileSystem(task.hadoop);
      BufferedImage image;
      try (InputStream in = fs.open(path)) {
        image = ImageIO.read(in);
      } catch (java.io.FileNotFoundException e) {
        throw new IOException("source_image '" + uri + "' does not exist", e);
      }
      if (image == null) {
        throw new IOException(
            "source_image '" + uri + "' is not a readable image; give a PNG cut-out with alpha");
      }
      if (!image.getColorModel().hasAlpha()) {
        throw new IOException(
            "source_image '"
                + uri
                + "' has no alpha channel; a cut-out must be a PNG with transparency");
      }
      return image;
    }

    /** Asks the run's budget for this batch; null means go, else the reason it may not start. */
    private String budgetRefusal(int rows) {
      if (task.budget == null) {
        return null;
      }
      if (!task.budgetSpent) {
        double perRow =
            task.lastBatchEurPerRow > 0 ? task.lastBatchEurPerRow : spec.estimatedEurPerRow();
        if (task.budget.reserve(perRow * rows)) {
          return null;
        }
        task.budgetSpent = true;
      }
      return "the run's budget was spent before this batch started; a later run renders it";
    }

    private void renderBatch(Variant variant, List<Pending> batch) {
      List<RenderRequest> requests = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        requests.add(new RenderRequest(p.caption().text(), p.row().seed()));
      }
      String refusal = budgetRefusal(batch.size());
      if (refusal != null) {
        for (Pending p : batch) {
          emit(
              RenderResult.skippedForBudget(
                  spec,
                  p.row(),
                  variant.label(),
                  task.device(),
                  task.deviceClass(),
                  task.executorId,
                  refusal));
        }
        return;
      }
      double reserved =
          task.budget == null
              ? 0
              : batch.size()
                  * (task.lastBatchEurPerRow > 0
                      ? task.lastBatchEurPerRow
                      : spec.estimatedEurPerRow());
      RenderBatch rendered;
      DiffusionPredictor predictor;
      try {
        predictor = task.predictor(variant);
      } catch (RuntimeException e) {
        LOG.warn("Model for {} ({}) failed to load", task.device(), variant.label(), e);
        for (Pending p : batch) {
          emit(failure(p.row(), variant, "model failed to load: " + e.getMessage()));
        }
        if (task.budget != null) {
          task.budget.settle(reserved, 0);
        }
        return;
      }
      int permits = task.assignment.scheduledOnGpu() ? spec.tasks().deviceConcurrentTasks() : 0;
      try (DeviceSemaphore.Permit permit =
          DeviceSemaphore.acquire(task.assignment.slot(), permits)) {
        meters.deviceWaitSeconds().add(permit.waitedSeconds());
        rendered = predictor.render(requests, new SamplingOptions(spec.steps(), spec.guidance()));
      } catch (RuntimeException e) {
        LOG.warn(
            "Batch of {} rows failed on {} ({})", batch.size(), task.device(), variant.label(), e);
        for (Pending p : batch) {
          emit(failure(p.row(), variant, "render failed: " + e.getMessage()));
        }
        if (task.budget != null) {
          task.budget.settle(reserved, 0);
        }
        return;
      }
      meters.deviceSeconds().add(rendered.seconds().total());
      task.deviceSeconds += rendered.seconds().total();
      task.rendered = true;
      int hits = 0;
      for (boolean hit : rendered.embeddingCacheHits()) {
        hits += hit ? 1 : 0;
      }
      meters.embeddingHits().add(hits);
      meters.embeddingMisses().add(batch.size() - hits);
      meters.embeddingFailures().add(rendered.embeddingCacheFailures());
      RenderBatch done = rendered;
      Callable<List<RenderResult>> finishing = () -> finishBatch(variant, batch, done, reserved);
      if (task.finisher == null) {
        try {
          finishing.call().forEach(this::emit);
        } catch (Exception e) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        return;
      }
      // post-process and upload on the task's own thread while the device renders the next batch;
      // at most post_queue_batches wait, so a slow store slows rendering instead of filling memory
      this.finishing.add(task.finisher.submit(finishing));
      while (this.finishing.size() > spec.tasks().postQueueBatches()) {
        collect(this.finishing.poll());
      }
    }

    /** Composites, resizes, encodes and stores a rendered batch; settles its budget reservation. */
    private List<RenderResult> finishBatch(
        Variant variant, List<Pending> batch, RenderBatch rendered, double reserved) {
      List<RenderResult> results = new ArrayList<>(batch.size());
      double spent = 0;
      double share = 1.0 / batch.size();
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        // the last row takes the rounding remainder, so the rows add up to the batch exactly
        double weight = i == batch.size() - 1 ? 1.0 - share * (batch.size() - 1) : share;
        RenderResult result = finish(p, i, variant, batch.size(), rendered, weight);
        spent += result.costs().total();
        results.add(result);
      }
      if (task.budget != null) {
        task.budget.settle(reserved, spent);
        task.lastBatchEurPerRow = spent / batch.size();
      }
      return results;
    }

    /** Waits for a queued batch and emits its rows; its failure fails the task (Spark retries). */
    private void collect(Future<List<RenderResult>> future) {
      try {
        future.get().forEach(this::emit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while post-processing a batch", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
    }

    private RenderResult finish(
        Pending p, int index, Variant variant, int batchSize, RenderBatch batch, double weight) {
      CatalogRow row = p.row();
      BufferedImage image = batch.images().get(index);
      CatalogRow.PlannedCaption caption = p.caption();
      long postStart = spec.ticker().nanoTime();
      byte[] bytes;
      try {
        BufferedImage sized =
            ImageResizer.resize(
                image, row.width().intValue(), row.height().intValue(), spec.sharpen());
        if (p.cutout() != null) {
          sized = CutoutCompositor.composite(sized, p.cutout());
        }
        bytes = task.encoder.encode(sized);
      } catch (IOException | RuntimeException e) {
        return failure(row, variant, "post-processing failed: " + e.getMessage());
      }
      double postSeconds = spec.ticker().secondsSince(postStart);
      long ioStart = spec.ticker().nanoTime();
      URI uri;
      try {
        uri =
            task.store.write(
                ObjectKeys.imageKey(row.sku(), row.inputHash(), spec.format().extension()),
                bytes,
                task.attempt);
      } catch (IOException | RuntimeException e) {
        return failure(row, variant, "upload failed: " + e.getMessage());
      }
      double ioSeconds = spec.ticker().secondsSince(ioStart);
      task.afterImageWritten();
      RenderResult.StageSeconds seconds =
          new RenderResult.StageSeconds(
              caption.secondsShare(),
              batch.seconds().textEncoder() * weight,
              batch.seconds().unet() * weight,
              batch.seconds().vae() * weight,
              postSeconds,
              ioSeconds);
      long requests = 1;
      StageCosts costs =
          StageCosts.of(
              new StageCosts.Usage(
                  task.assignment.device().cuda(),
                  seconds.caption(),
                  seconds.textEncoder(),
                  seconds.unet(),
                  seconds.vae(),
                  seconds.post(),
                  seconds.io(),
                  caption.apiEurShare(),
                  requests,
                  bytes.length),
              spec.rates(),
              spec.store());
      return new RenderResult(
          spec.runId(),
          row.sku(),
          row.category(),
          row.inputHash(),
          spec.modelId(),
          spec.modelVersion(),
          variant.label(),
          task.device(),
          task.assignment.gpuAddress(),
          task.deviceClass(),
          task.executorId,
          RenderResult.OK,
          null,
          uri.toString(),
          bytes.length,
          row.width(),
          row.height(),
          row.seed(),
          caption.text(),
          caption.source(),
          caption.model(),
          caption.reason(),
          batch.embeddingCacheHits()[index],
          caption.share(caption.tokensIn()),
          caption.share(caption.tokensOut()),
          batchSize,
          seconds,
          requests,
          costs,
          new Timestamp(System.currentTimeMillis()));
    }

    private RenderResult failure(CatalogRow row, Variant variant, String reason) {
      return RenderResult.failed(
          spec, row, variant.label(), task.device(), task.deviceClass(), task.executorId, reason);
    }

    private void emit(RenderResult result) {
      meters.rowsDone().add(1);
      ready.add(result.toRow());
    }
  }
}
