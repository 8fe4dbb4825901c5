package com.catalogrender.render;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting on work a driver thread of the run's own does: its failure as it was thrown. */
final class DriverThreadResult {
  private DriverThreadResult() {}

  /**
   * Waits for {@code work}; rethrows the runtime exception or error it threw as it was, anything
   * else as "{@code failed}: cause".
   *
   * @param interrupted what the main thread was waiting for, said when it is interrupted
   */
  static void await(Future<?> work, String interrupted, String failed) {
    try {
      work.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + interrupted, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(failed + ": " + cause, cause);
    }
  }
}
