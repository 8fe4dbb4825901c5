package com.catalogrender.measure;

import java.io.Serializable;

/**
 * The clock stage seconds are measured with. {@link #system()} in production; {@link #fixedStep} in
 * tests, where every reading advances by a fixed step, so every measured stage takes exactly one
 * step and costs are known exactly without sleeping.
 */
public interface Ticker extends Serializable {
  long nanoTime();

  /** Seconds from {@code startNanos} to now. */
  default double secondsSince(long startNanos) {
    return (nanoTime() - startNanos) / 1e9;
  }

  static Ticker system() {
    return SystemTicker.INSTANCE;
  }

  static Ticker fixedStep(double stepSeconds) {
    if (!(stepSeconds > 0)) {
      throw new IllegalArgumentException("Clock step must be positive, got " + stepSeconds);
    }
    return new FixedStep(Math.round(stepSeconds * 1e9));
  }

  /** The JVM's monotonic clock. */
  enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  }

  /**
   * Advances by {@code stepNanos} on every reading of the reading thread: each thread has its own
   * count, so a span measured on one thread is exactly one step even while other threads (a task's
   * upload thread, other tasks) read the same clock.
   */
  final class FixedStep implements Ticker {
    private final long stepNanos;
    private transient ThreadLocal<long[]> now;

    FixedStep(long stepNanos) {
      this.stepNanos = stepNanos;
    }

    @Override
    public long nanoTime() {
      ThreadLocal<long[]> counters = now;
      if (counters == null) {
        synchronized (this) {
          if (now == null) {
            now = ThreadLocal.withInitial(() -> new long[1]);
          }
          counters = now;
        }
      }
      long[] count = counters.get();
      count[0] += stepNanos;
      return count[0];
    }
  }
}
