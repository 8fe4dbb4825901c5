package com.catalogrender.cost;

import com.catalogrender.measure.DeviceClock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run cost that no row caused, line by line, in seconds and EUR:
 *
 * <ul>
 *   <li>{@code model_load}: executors loading models, at the task's device rate;
 *   <li>{@code idle}: devices held but not working. On GPUs per device, not per task (tasks sharing
 *       a GPU hold it once): the seconds its clock was held minus busy minus loading. On CPUs each
 *       task holds its own cores: Spark's run time of the render tasks minus what rows and device
 *       waits account for minus loading;
 *   <li>{@code other_tasks}: the render job's tasks that are not render tasks (reading the catalog,
 *       the shuffle to the render tasks), Spark's executor run time at the CPU rate;
 *   <li>{@code driver}: the driver's wall time (plan, captions and their waiting, commits) at the
 *       driver's rate.
 * </ul>
 *
 * Waste (attempts that failed) is not here: it is its own line, from Spark's listener.
 */
public record FixedCosts(
    double modelLoadSeconds,
    double modelLoadEur,
    double idleSeconds,
    double idleEur,
    double otherTasksSeconds,
    double otherTasksEur,
    double driverSeconds,
    double driverEur) {
  public static final FixedCosts NONE = new FixedCosts(0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * What the run's tasks measured.
   *
   * @param gpu whether the model ran on GPUs
   * @param modelLoadSeconds seconds executors spent loading models
   * @param taskSeconds Spark's executor run time of the successful render tasks
   * @param rowTaskSeconds seconds the rows and device waits account for on executors (every stage
   *     but the caption)
   * @param devices the devices' clocks (busy and held seconds per device)
   * @param otherTasksSeconds Spark's run time of the job's successful non-render tasks
   * @param driverSeconds the driver's wall seconds for the run
   */
  public record Inputs(
      boolean gpu,
      double modelLoadSeconds,
      double taskSeconds,
      double rowTaskSeconds,
      Collection<DeviceClock.Reading> devices,
      double otherTasksSeconds,
      double driverSeconds) {}

  public static FixedCosts of(Inputs in, Rates rates) {
    double taskRate = rates.taskEurPerSecond(in.gpu());
    double idle;
    if (in.gpu()) {
      double held = 0;
      for (DeviceClock.Reading device : in.devices()) {
        held += Math.max(0, device.heldSeconds() - device.busySeconds());
      }
      idle = Math.max(0, held - in.modelLoadSeconds());
    } else {
      idle = Math.max(0, in.taskSeconds() - in.rowTaskSeconds() - in.modelLoadSeconds());
    }
    return new FixedCosts(
        in.modelLoadSeconds(),
        in.modelLoadSeconds() * taskRate,
        idle,
        idle * taskRate,
        in.otherTasksSeconds(),
        in.otherTasksSeconds() * rates.taskEurPerSecond(false),
        in.driverSeconds(),
        in.driverSeconds() * rates.driverEurPerSecond());
  }

  public double totalEur() {
    return modelLoadEur + idleEur + otherTasksEur + driverEur;
  }

  /** The lines by name, in EUR, for the runs table and the cost report. */
  public Map<String, Double> linesEur() {
    Map<String, Double> lines = new LinkedHashMap<>();
    lines.put("model_load", modelLoadEur);
    lines.put("idle", idleEur);
    lines.put("other_tasks", otherTasksEur);
    lines.put("driver", driverEur);
    return lines;
  }
}
