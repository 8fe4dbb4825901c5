package com.catalogrender.measure;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The busy clock of one device (a GPU, or an executor's CPU): the seconds the device spent on model
 * work (text encoder, UNet, VAE), timed around that work only and summed per device, never derived
 * from rows; and the seconds the device was held by at least one task (tasks sharing a GPU count
 * once). The model registry keeps one per device of an executor; the run's reconciliation compares
 * the rows' device-seconds with these clocks and the clocks with Spark's task time.
 *
 * <p>Busy spans are read with the run's {@link Ticker} on the working thread; held time is wall
 * time ({@link System#nanoTime}), since the tasks that start and end a window are different
 * threads.
 */
public final class DeviceClock {
  private final String device;
  private final AtomicLong busyNanos = new AtomicLong();
  private long reportedBusyNanos;
  private int activeTasks;
  private long heldSince;
  private long heldNanos;

  public DeviceClock(String device) {
    this.device = device;
  }

  /** What a clock accrued since its previous reading. */
  public record Reading(String device, double busySeconds, double heldSeconds)
      implements Serializable {
    public Reading plus(Reading other) {
      return new Reading(
          device, busySeconds + other.busySeconds(), heldSeconds + other.heldSeconds());
    }
  }

  /** A span of device work, started by {@link #busy}. */
  public final class Span {
    private final Ticker ticker;
    private final long start;

    private Span(Ticker ticker) {
      this.ticker = ticker;
      this.start = ticker.nanoTime();
    }

    /** Ends the span: adds its seconds to the clock and returns them (the stage's seconds). */
    public double end() {
      long nanos = ticker.nanoTime() - start;
      busyNanos.addAndGet(nanos);
      return nanos / 1e9;
    }
  }

  /**
   * Starts timing device work with {@code ticker}; {@link Span#end} it when the work is done (a
   * span that fails is not counted: the failed attempt's time is waste, measured by Spark).
   */
  public Span busy(Ticker ticker) {
    return new Span(ticker);
  }

  /** A task of the run starts using this device. */
  public synchronized void taskStarted() {
    if (activeTasks++ == 0) {
      heldSince = System.nanoTime();
    }
  }

  /** A task of the run stops using this device. */
  public synchronized void taskEnded() {
    if (activeTasks > 0 && --activeTasks == 0) {
      heldNanos += System.nanoTime() - heldSince;
    }
  }

  /**
   * What the clock accrued since the previous call (each second is reported once, whichever task
   * reads it); a window still open is counted up to now.
   */
  public synchronized Reading takeUnreported() {
    long now = System.nanoTime();
    long held = heldNanos;
    if (activeTasks > 0) {
      held += now - heldSince;
      heldSince = now;
    }
    heldNanos = 0;
    long busy = busyNanos.get();
    long newBusy = busy - reportedBusyNanos;
    reportedBusyNanos = busy;
    return new Reading(device, newBusy / 1e9, held / 1e9);
  }

  /** Busy seconds since the clock was made. */
  public double busySeconds() {
    return busyNanos.get() / 1e9;
  }

  public String device() {
    return device;
  }
}
