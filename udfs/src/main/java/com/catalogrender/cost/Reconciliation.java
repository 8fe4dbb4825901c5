package com.catalogrender.cost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's figures checked against meters that are not the rows:
 *
 * <ul>
 *   <li>the rows' device-seconds (each batch's device seconds split over its rows, written to
 *       {@code renders} and summed back) against the devices' busy clocks (summed per device, never
 *       from rows): they agree within 1% when no attempt failed;
 *   <li>Spark's executor run time of every attempt (its listener) explained line by line: device
 *       work (the clocks), the rows' stages on the executor's CPU, model loads and device waits
 *       (the tasks' meters), idle (the render tasks' own time no line accounts for), task setup
 *       (Spark's time of the render tasks outside their own timers: the writer's setup and commit),
 *       the job's other tasks (reading the catalog, the shuffle) and failed attempts. What the
 *       tasks' meters claim must fit in Spark's time: more is something counted twice.
 * </ul>
 *
 * @param deviceSecondsRows sum of the committed rows' text encoder, UNet and VAE seconds
 * @param deviceSecondsClocks sum of the devices' busy clocks
 * @param measured the tasks' meters by line, in seconds: device_busy (the clocks), cache, post, io
 *     (the rows), model_load, device_wait
 * @param inTaskSeconds the render tasks' own timers, from resources opened to closed
 * @param renderTaskSeconds Spark's executor run time of the successful render tasks
 * @param otherTaskSeconds Spark's executor run time of the job's other successful tasks
 * @param wastedSeconds Spark's executor run time of the attempts that failed
 * @param failedAttempts attempts that did not succeed (their device time is not in the clocks)
 */
public record Reconciliation(
    double deviceSecondsRows,
    double deviceSecondsClocks,
    Map<String, Double> measured,
    double inTaskSeconds,
    double renderTaskSeconds,
    double otherTaskSeconds,
    double wastedSeconds,
    long failedAttempts) {
  /** The agreement the figures must reach. */
  public static final double TOLERANCE = 0.01;

  public static final Reconciliation NONE = new Reconciliation(0, 0, Map.of(), 0, 0, 0, 0, 0);

  public Reconciliation {
    measured = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(measured));
  }

  /** The tasks' meters by line, in the order of {@link #measured}'s names. */
  public static Map<String, Double> measuredLines(
      double deviceBusy, double cache, double post, double io, double modelLoad, double wait) {
    Map<String, Double> lines = new LinkedHashMap<>();
    lines.put("device_busy", deviceBusy);
    lines.put("cache", cache);
    lines.put("post", post);
    lines.put("io", io);
    lines.put("model_load", modelLoad);
    lines.put("device_wait", wait);
    return lines;
  }

  /** Rows' device-seconds relative to the busy clocks (1.0 = they agree). */
  public double deviceAgreement() {
    return deviceSecondsClocks > 0 ? deviceSecondsRows / deviceSecondsClocks : 1.0;
  }

  private double measuredSeconds() {
    return measured.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Spark's executor run time of every attempt of the render job. */
  public double sparkTaskSeconds() {
    return renderTaskSeconds + otherTaskSeconds + wastedSeconds;
  }

  /**
   * Where Spark's task seconds went, by line: the measured lines, then idle, task_setup,
   * other_tasks and wasted.
   */
  public Map<String, Double> timeAccounting() {
    Map<String, Double> lines = new LinkedHashMap<>(measured);
    lines.put("idle", Math.max(0, inTaskSeconds - measuredSeconds()));
    lines.put("task_setup", Math.max(0, renderTaskSeconds - inTaskSeconds));
    lines.put("other_tasks", otherTaskSeconds);
    lines.put("wasted", wastedSeconds);
    return lines;
  }

  /** The lines' sum (Spark's task time, unless a line claims more than Spark saw). */
  public double accountedTaskSeconds() {
    return timeAccounting().values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Accounted task seconds relative to Spark's (1.0 = every second has a line, none twice). */
  public double taskAgreement() {
    double spark = sparkTaskSeconds();
    return spark > 0 ? accountedTaskSeconds() / spark : 1.0;
  }

  /**
   * What does not add up, one sentence each; empty when the run reconciles. The device check only
   * applies when no attempt failed (a failed attempt's clock readings are lost with it).
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (failedAttempts == 0 && Math.abs(deviceAgreement() - 1.0) > TOLERANCE) {
      problems.add(
          String.format(
              Locale.ROOT,
              "rows' device-seconds %.4f differ from the devices' busy clocks %.4f by %.2f%%",
              deviceSecondsRows,
              deviceSecondsClocks,
              (deviceAgreement() - 1.0) * 100));
    }
    if (measuredSeconds() > renderTaskSeconds * (1 + TOLERANCE)) {
      problems.add(
          String.format(
              Locale.ROOT,
              "the tasks' meters claim %.3f s, more than Spark's %.3f s of render tasks: a second"
                  + " is counted twice",
              measuredSeconds(),
              renderTaskSeconds));
    }
    if (Math.abs(taskAgreement() - 1.0) > TOLERANCE) {
      problems.add(
          String.format(
              Locale.ROOT,
              "accounted task seconds %.3f differ from Spark's %.3f by %.2f%%",
              accountedTaskSeconds(),
              sparkTaskSeconds(),
              (taskAgreement() - 1.0) * 100));
    }
    return problems;
  }
}
