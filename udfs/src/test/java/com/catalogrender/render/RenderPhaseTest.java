package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class RenderPhaseTest {
  private static final long SECOND = 1_000_000_000L;

  private static Runnable waitFor(CountDownLatch release) {
    return () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Test
  void waitingForCaptionsIsIdleOnlyWhileNoWaveRenders() throws Exception {
    assertEquals(3.0, RenderPhase.idleSeconds(SECOND, 4 * SECOND, List.of()), 1e-9);
    ExecutorService writers = Executors.newFixedThreadPool(2);
    BlockingQueue<WaveWrite> finished = new LinkedBlockingQueue<>();
    try {
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch second = new CountDownLatch(1);
      WaveWrite older = WaveWrite.submit(writers, 0, finished, waitFor(first));
      WaveWrite newer = WaveWrite.submit(writers, 1, finished, waitFor(second));
      long now = System.nanoTime();
      assertEquals(
          0.0, RenderPhase.idleSeconds(now - 2 * SECOND, now, List.of(older, newer)), 1e-9);
      // the newer wave is committed first (its job ran first): the older still renders
      second.countDown();
      assertEquals(newer, WaveWrite.next(finished));
      assertEquals(
          0.0, RenderPhase.idleSeconds(now - 2 * SECOND, now, List.of(older, newer)), 1e-9);
      first.countDown();
      assertEquals(older, WaveWrite.next(finished));
      long last = Math.max(older.finishedNanos(), newer.finishedNanos());
      // the wait began before the last wave was committed: only the part after it is idle
      assertEquals(
          1.0, RenderPhase.idleSeconds(last - SECOND, last + SECOND, List.of(older, newer)), 1e-9);
      assertEquals(
          2.0,
          RenderPhase.idleSeconds(last + SECOND, last + 3 * SECOND, List.of(older, newer)),
          1e-9);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void aWaveGivesItsFailureAsThrown() {
    ExecutorService writers = Executors.newSingleThreadExecutor();
    BlockingQueue<WaveWrite> finished = new LinkedBlockingQueue<>();
    try {
      WaveWrite failing =
          WaveWrite.submit(
              writers,
              3,
              finished,
              () -> {
                throw new IllegalArgumentException("bad wave");
              });
      assertEquals(failing, WaveWrite.next(finished));
      IllegalArgumentException thrown =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, failing::await);
      assertEquals("bad wave", thrown.getMessage());
    } finally {
      writers.shutdownNow();
    }
  }
}
