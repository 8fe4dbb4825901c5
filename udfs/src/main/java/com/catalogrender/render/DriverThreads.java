package com.catalogrender.render;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Work the driver starts beside its main thread: each task on a daemon thread of its own (it
 * inherits the starting thread's Spark local properties: its scheduler pool, label and session),
 * and the result waited for with its failure as thrown.
 */
final class DriverThreads {
  private DriverThreads() {}

  /** Runs each task it is given on a new daemon thread named {@code name}. */
  static Executor ownThread(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    };
  }

  /** {@code future}'s value, or its failure as thrown (not wrapped in a CompletionException). */
  static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
