package com.catalogrender.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.measure.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedCostsAndReconciliationTest {
  private static final double CPU = 0.036 / 3600 * 2;
  private static final double GPU = 3.6 / 3600;

  @Test
  void cpuIdleIsTaskTimeNoRowAccountsForLessLoadingAndTheDriverHasItsOwnRate() {
    FixedCosts fixed =
        FixedCosts.of(
            new FixedCosts.Inputs(false, 2, 30, 20, List.of(), 5, 100), StageCostsTest.rates());
    assertEquals(2 * CPU, fixed.modelLoadEur(), 1e-15);
    assertEquals(8, fixed.idleSeconds(), 1e-12);
    assertEquals(8 * CPU, fixed.idleEur(), 1e-15);
    assertEquals(100 * 0.18 / 3600, fixed.driverEur(), 1e-15);
    assertEquals(5 * CPU, fixed.otherTasksEur(), 1e-15);
    assertEquals(
        fixed.modelLoadEur() + fixed.idleEur() + fixed.otherTasksEur() + fixed.driverEur(),
        fixed.totalEur(),
        1e-15);
    assertEquals(
        List.of("model_load", "idle", "other_tasks", "driver"),
        List.copyOf(fixed.linesEur().keySet()));
  }

  @Test
  void gpuIdleIsPerDeviceNotPerTask() {
    // two tasks shared gpu 0 for 10 s of wall time: held once, not twice
    List<DeviceClock.Reading> devices =
        List.of(
            new DeviceClock.Reading("1/cuda:0", 7, 10), new DeviceClock.Reading("1/cuda:1", 9, 10));
    FixedCosts fixed =
        FixedCosts.of(
            new FixedCosts.Inputs(true, 1, 40, 30, devices, 0, 0), StageCostsTest.rates());
    assertEquals(3 + 1 - 1, fixed.idleSeconds(), 1e-12);
    assertEquals(3 * GPU, fixed.idleEur(), 1e-15);
  }

  /**
   * The rows' device-seconds come from splitting each batch over its rows; the clocks from timing
   * device work. A split that loses part of a batch (here: the last row's remainder forgotten) must
   * not reconcile.
   */
  @Test
  void aBrokenSplitOfBatchSecondsOverRowsDoesNotReconcile() {
    Ticker ticker = Ticker.fixedStep(0.1);
    DeviceClock clock = new DeviceClock("cpu");
    List<StageValues> batches = new ArrayList<>();
    for (int b = 0; b < 5; b++) {
      DeviceClock.Span unet = clock.busy(ticker);
      double unetSeconds = unet.end();
      DeviceClock.Span vae = clock.busy(ticker);
      batches.add(StageValues.of(Map.of(Stage.UNET, unetSeconds, Stage.VAE, vae.end())));
    }
    double rightSplit = 0;
    double brokenSplit = 0;
    int rows = 3;
    for (StageValues batch : batches) {
      double share = 1.0 / rows;
      for (int i = 0; i < rows; i++) {
        double weight = i == rows - 1 ? 1.0 - share * (rows - 1) : share;
        rightSplit += batch.modelDevice() * weight;
        brokenSplit += batch.modelDevice() * share * (i == rows - 1 ? 0.9 : 1.0);
      }
    }
    Reconciliation right = reconciliation(rightSplit, clock.busySeconds(), 0);
    Reconciliation broken = reconciliation(brokenSplit, clock.busySeconds(), 0);
    assertEquals(List.of(), right.problems());
    assertEquals(1.0, right.deviceAgreement(), 1e-12);
    assertEquals(1, broken.problems().size(), broken.problems().toString());
    assertTrue(broken.problems().get(0).startsWith("rows' device-seconds"));
    // a failed attempt's clock readings are lost with it: the device check then does not apply
    assertEquals(List.of(), reconciliation(brokenSplit, clock.busySeconds(), 1).problems());
  }

  private static Reconciliation reconciliation(double rows, double clocks, long failed) {
    return new Reconciliation(
        rows, clocks, Reconciliation.measuredLines(clocks, 0, 1, 1, 0, 0), 8, 9, 1, 0, failed);
  }

  @Test
  void sparksTaskTimeIsExplainedLineByLineAndMetersClaimingMoreIsAProblem() {
    Reconciliation ok =
        new Reconciliation(
            3, 3, Reconciliation.measuredLines(3, 0.5, 1, 1, 0.5, 0), 7, 7.5, 2, 1.5, 1);
    assertEquals(List.of(), ok.problems());
    assertEquals(1.0, ok.taskAgreement(), 1e-12);
    assertEquals(11, ok.sparkTaskSeconds(), 1e-12);
    assertEquals(1.0, ok.timeAccounting().get("idle"), 1e-12);
    assertEquals(0.5, ok.timeAccounting().get("task_setup"), 1e-12);
    // post counted twice: the meters claim 9 s where Spark saw 7.5 s of render tasks
    Reconciliation twice =
        new Reconciliation(
            3, 3, Reconciliation.measuredLines(3, 0.5, 4, 1, 0.5, 0), 7, 7.5, 2, 1.5, 1);
    assertEquals(2, twice.problems().size(), twice.problems().toString());
    assertTrue(twice.problems().get(0).startsWith("the tasks' meters claim 9.000 s"));
  }

  @Test
  void aClockReportsEachSecondOnceAndCountsSharedHoldingOnce() throws Exception {
    DeviceClock clock = new DeviceClock("cuda:0");
    clock.taskStarted();
    clock.taskStarted();
    Thread.sleep(20);
    clock.taskEnded();
    DeviceClock.Reading first = clock.takeUnreported();
    clock.taskEnded();
    DeviceClock.Reading second = clock.takeUnreported();
    assertTrue(first.heldSeconds() >= 0.02 && first.heldSeconds() < 0.5, first.toString());
    assertTrue(second.heldSeconds() < first.heldSeconds(), second.toString());
    assertEquals(0, clock.takeUnreported().heldSeconds());
  }
}
