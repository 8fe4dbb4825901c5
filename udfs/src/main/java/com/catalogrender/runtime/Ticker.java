package com.catalogrender.runtime;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;

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

  /** Advances by {@code stepNanos} on every reading. */
  final class FixedStep implements Ticker {
    private final long stepNanos;
    private final AtomicLong now = new AtomicLong();

    FixedStep(long stepNanos) {
      this.stepNanos = stepNanos;
    }

    @Override
    public long nanoTime() {
      return now.addAndGet(stepNanos);
    }
  }
}
