package com.catalogrender.task;

import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.results.RenderResult;
import com.catalogrender.results.RenderStatus;
import com.catalogrender.tables.RendersTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;

/**
 * Moves a partition's rows through the task in batches: admitted rows wait per variant until a
 * batch is full (or the input ends), pass the budget gate, the model and the batch finisher, and
 * leave as {@code renders} rows. GPU tasks finish a batch on the post-processing thread while the
 * device renders the next, with at most {@code post_queue_batches} waiting.
 */
final class BatchQueue implements Iterator<Row> {
  /** What a row passes through in a task, in order. */
  record Stages(
      RowAdmission admission, BudgetGate budget, ModelStep model, BatchFinisher finisher) {}

  private final Iterator<Row> input;
  private final TaskResources resources;
  private final Stages stages;
  private final Map<Variant, List<AdmittedRow>> waiting = new EnumMap<>(Variant.class);
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private final ArrayDeque<Future<List<RenderResult>>> finishing = new ArrayDeque<>();

  BatchQueue(Iterator<Row> input, TaskResources resources, Stages stages) {
    this.input = input;
    this.resources = resources;
    this.stages = stages;
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
        render(variant, waiting.remove(variant));
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
    RowAdmission.Decision decision = stages.admission().admit(row);
    if (decision.rejected() != null) {
      emit(decision.rejected());
      return;
    }
    AdmittedRow admitted = decision.admitted();
    List<AdmittedRow> batch = waiting.computeIfAbsent(admitted.variant(), v -> new ArrayList<>());
    batch.add(admitted);
    if (batch.size() >= resources.spec().model().batchSize()) {
      render(admitted.variant(), waiting.remove(admitted.variant()));
    }
  }

  private void render(Variant variant, List<AdmittedRow> batch) {
    BudgetGate.Reservation reservation = stages.budget().reserve(batch.size());
    if (reservation == null) {
      for (AdmittedRow row : batch) {
        emit(
            stages
                .admission()
                .notRendered(row.row(), variant, RenderStatus.SKIPPED_BUDGET, BudgetGate.SPENT));
      }
      return;
    }
    RenderBatch rendered;
    try {
      rendered = stages.model().render(variant, batch);
    } catch (ModelStep.BatchFailure e) {
      stages.budget().chargeFixed(resources.takeUnbudgetedLoadEur());
      for (AdmittedRow row : batch) {
        emit(stages.admission().failed(row.row(), variant, e.getMessage()));
      }
      stages.budget().settle(reservation, 0, 0);
      return;
    }
    stages.budget().chargeFixed(resources.takeUnbudgetedLoadEur());
    Callable<List<RenderResult>> finishing =
        () ->
            stages
                .finisher()
                .finish(variant, batch, rendered, stages.admission(), stages.budget(), reservation);
    if (resources.finisher == null) {
      try {
        finishing.call().forEach(this::emit);
      } catch (Exception e) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      return;
    }
    // a slow store slows rendering instead of filling memory
    this.finishing.add(resources.finisher.submit(finishing));
    while (this.finishing.size() > resources.spec().tasks().postQueueBatches()) {
      collect(this.finishing.poll());
    }
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

  private void emit(RenderResult result) {
    resources.meters().rowsDone().add(1);
    ready.add(RendersTable.row(result));
  }
}
