package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RenderPhaseTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void waitingForCaptionsIsIdleOnlyWhileNoWaveRenders() throws Exception {
    assertEquals(3.0, RenderPhase.idleSeconds(SECOND, 4 * SECOND, null), 1e-9);
    ExecutorService writers = Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      WaveWrite running =
          WaveWrite.submit(
              writers,
              0,
              () -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      long now = System.nanoTime();
      assertEquals(0.0, RenderPhase.idleSeconds(now - 2 * SECOND, now, running), 1e-9);
      release.countDown();
      running.await();
      long finished = running.finishedNanos();
      // the wait began before the wave was committed: only the part after the commit is idle
      assertEquals(
          1.0, RenderPhase.idleSeconds(finished - SECOND, finished + SECOND, running), 1e-9);
      assertEquals(
          2.0, RenderPhase.idleSeconds(finished + SECOND, finished + 3 * SECOND, running), 1e-9);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void aWaveGivesItsFailureAsThrown() {
    ExecutorService writers = Executors.newSingleThreadExecutor();
    try {
      WaveWrite failing =
          WaveWrite.submit(
              writers,
              3,
              () -> {
                throw new IllegalArgumentException("bad wave");
              });
      IllegalArgumentException thrown =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, failing::await);
      assertEquals("bad wave", thrown.getMessage());
    } finally {
      writers.shutdownNow();
    }
  }
}
