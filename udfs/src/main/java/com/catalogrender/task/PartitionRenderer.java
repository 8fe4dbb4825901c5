package com.catalogrender.task;

import java.io.IOException;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Renders one partition of planned catalog rows into {@code renders} rows, lazily, batch by batch,
 * so a partition of any size needs memory for one batch only. The task's resources are opened here
 * and closed when the task ends; {@link BatchQueue} moves rows through admission, the budget gate,
 * the model and the batch finisher.
 */
public final class PartitionRenderer implements MapPartitionsFunction<Row, Row> {
  private final RenderSpec spec;
  private final RunMeters meters;

  public PartitionRenderer(RenderSpec spec, RunMeters meters) {
    this.spec = spec;
    this.meters = meters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    TaskResources resources = TaskResources.open(spec, meters, TaskContext.get());
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) context -> resources.close());
    }
    return new BatchQueue(
        input,
        resources,
        new BatchQueue.Stages(
            new RowAdmission(spec, resources),
            new BudgetGate(spec),
            new ModelStep(resources),
            new BatchFinisher(spec, resources)));
  }
}
