package com.catalogrender.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most K tasks of an executor use one device at a time, in the spirit of RAPIDS' GPU semaphore:
 * Spark may run more tasks than that per executor (fractional {@code
 * spark.task.resource.gpu.amount} or more cores than GPUs), and the tasks that wait do their CPU
 * work meanwhile (captions are already on the driver; post-processing and uploads run on each
 * task's own thread). Executor-wide: one semaphore per device key.
 */
public final class DeviceSemaphore {
  private static final Map<String, Semaphore> BY_DEVICE = new ConcurrentHashMap<>();

  private DeviceSemaphore() {}

  /** A held permit; closing it lets the next task onto the device. */
  public interface Permit extends AutoCloseable {
    /** Seconds this task waited for the device. */
    double waitedSeconds();

    @Override
    void close();
  }

  /**
   * Waits for one of the {@code permits} slots of {@code device} (0 = unbounded: returns at once).
   */
  public static Permit acquire(String device, int permits) {
    if (permits <= 0) {
      return new Held(null, 0);
    }
    Semaphore semaphore =
        BY_DEVICE.computeIfAbsent(device + "#" + permits, k -> new Semaphore(permits, true));
    long start = System.nanoTime();
    semaphore.acquireUninterruptibly();
    return new Held(semaphore, (System.nanoTime() - start) / 1e9);
  }

  private record Held(Semaphore semaphore, double waitedSeconds) implements Permit {
    @Override
    public void close() {
      if (semaphore != null) {
        semaphore.release();
      }
    }
  }
}
