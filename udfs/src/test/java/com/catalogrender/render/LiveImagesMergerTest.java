package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveImagesMergerTest {
  /** The waves of a run too long for its first merge to come at half of them in these tests. */
  private static final int WAVES = 1000;

  @Test
  void beforeTheIntervalWavesWaitAndTheFinishMergesThemAll() {
    Merges log = new Merges();
    LiveImagesMerger merger = log.merger(3600);
    List<List<Integer>> merged = log.merged;
    List<Boolean> afterTheRender = log.afterTheRender;
    merger.committed(0);
    merger.committed(1);
    sleep(200);
    assertTrue(merged.isEmpty(), "merged before checkpoint_seconds: " + merged);
    assertEquals(2, merger.unmerged());
    merger.finish();
    assertEquals(List.of(List.of(0, 1)), merged);
    assertEquals(List.of(true), afterTheRender, "the finish's merge runs after the render");
    assertEquals(0, merger.unmerged());
  }

  @Test
  void aShortRunMergesOnceWhenHalfItsWavesAreCommitted() {
    Merges log = new Merges();
    LiveImagesMerger merger = log.merger(3600, 4);
    List<List<Integer>> merged = log.merged;
    merger.committed(0);
    sleep(200);
    assertTrue(merged.isEmpty(), "merged before half the waves were committed: " + merged);
    merger.committed(1);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (merged.isEmpty() && System.nanoTime() < deadline) {
      sleep(10);
    }
    assertEquals(List.of(List.of(0, 1)), merged);
    assertTrue(merger.lastMergeSeconds() >= 0, "the last stretch knows what a merge takes");
    // once: the next waves wait for the interval (or the last stretch, or the finish)
    merger.committed(2);
    sleep(200);
    assertEquals(List.of(List.of(0, 1)), merged);
    merger.committed(3);
    merger.finish();
    assertEquals(List.of(List.of(0, 1), List.of(2, 3)), merged);
    assertEquals(List.of(false, true), log.afterTheRender);
  }

  @Test
  void theMainThreadGoesOnWhileAMergeRuns() throws InterruptedException {
    CountDownLatch mergeStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> merged = java.util.Collections.synchronizedList(new ArrayList<>());
    LiveImagesMerger merger =
        new LiveImagesMerger(
            (waves, afterRender) -> {
              mergeStarted.countDown();
              await(release);
              merged.add(waves);
            },
            0,
            WAVES);
    merger.committed(0);
    assertTrue(mergeStarted.await(10, TimeUnit.SECONDS));
    // the merge of wave 0 is under way: committing more waves does not wait for it
    merger.committed(1);
    merger.committed(2);
    assertTrue(merged.isEmpty());
    release.countDown();
    merger.finish();
    assertEquals(List.of(List.of(0), List.of(1, 2)), merged);
  }

  @Test
  void inTheLastStretchCommittedWavesMergeAtOnce() {
    List<List<Integer>> merged = java.util.Collections.synchronizedList(new ArrayList<>());
    LiveImagesMerger merger =
        new LiveImagesMerger((waves, afterRender) -> merged.add(waves), 3600, WAVES);
    merger.lastStretch();
    merger.committed(4);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (merged.isEmpty() && System.nanoTime() < deadline) {
      sleep(10);
    }
    assertEquals(List.of(List.of(4)), merged);
    assertTrue(merger.lastMergeSeconds() >= 0);
    merger.finish();
  }

  @Test
  void onceEveryWaveRenderedTheLastCommitsMergeInOneMergeAfterTheRender() {
    Merges log = new Merges();
    LiveImagesMerger merger = log.merger(0);
    List<List<Integer>> merged = log.merged;
    List<Boolean> afterTheRender = log.afterTheRender;
    merger.lastStretch();
    merger.holdForTheFinish();
    merger.committed(20);
    sleep(200);
    merger.committed(21);
    sleep(200);
    assertTrue(merged.isEmpty(), "merged while the last commits came in: " + merged);
    merger.finish();
    assertEquals(List.of(List.of(20, 21)), merged);
    assertEquals(List.of(true), afterTheRender);
  }

  @Test
  void withOnlyTheLastWaveLeftTheCommittedWavesWaitToMergeWithIt() throws InterruptedException {
    CountDownLatch mergeStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> merged = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Boolean> afterTheRender = java.util.Collections.synchronizedList(new ArrayList<>());
    LiveImagesMerger merger =
        new LiveImagesMerger(
            (waves, afterRender) -> {
              mergeStarted.countDown();
              await(release);
              merged.add(waves);
              afterTheRender.add(afterRender);
            },
            0,
            WAVES);
    merger.lastStretch();
    merger.committed(0);
    assertTrue(mergeStarted.await(10, TimeUnit.SECONDS));
    // while wave 0 merges, waves 1 and 2 are committed: only wave 3, the last, is left
    merger.committed(1);
    merger.committed(2);
    merger.holdForTheFinish();
    release.countDown();
    sleep(300);
    assertEquals(List.of(List.of(0)), merged, "waves 1 and 2 merged before the last wave");
    merger.committed(3);
    merger.finish();
    assertEquals(List.of(List.of(0), List.of(1, 2, 3)), merged);
    assertEquals(List.of(false, true), afterTheRender);
  }

  @Test
  void aFailedMergeFailsTheRunAtTheNextCommitOrAtTheFinish() {
    LiveImagesMerger merger =
        new LiveImagesMerger(
            (waves, afterRender) -> {
              throw new IllegalStateException("MERGE conflict on current_images");
            },
            0,
            WAVES);
    merger.committed(0);
    long deadline = System.nanoTime() + 10_000_000_000L;
    IllegalStateException failure = null;
    while (failure == null && System.nanoTime() < deadline) {
      try {
        merger.committed(1);
        sleep(10);
      } catch (IllegalStateException e) {
        failure = e;
      }
    }
    assertEquals("MERGE conflict on current_images", failure.getMessage());
    assertThrows(IllegalStateException.class, merger::finish);
  }

  @Test
  void theLastStretchBeginsWhenTheWavesLeftRenderInAboutTwoMerges() {
    // no merge yet: only once the last wave was submitted
    assertFalse(RenderPhase.lastStretch(false, 3, 7.0, -1));
    assertTrue(RenderPhase.lastStretch(true, 3, 7.0, -1));
    // a merge took 20 s: 5 waves of 7 s left (35 s) are within two merges (40 s), 6 (42 s) not
    assertTrue(RenderPhase.lastStretch(false, 5, 7.0, 20));
    assertFalse(RenderPhase.lastStretch(false, 6, 7.0, 20));
  }

  /** What a merger merged, and whether each merge ran after the render. */
  private static final class Merges {
    final List<List<Integer>> merged = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Boolean> afterTheRender = java.util.Collections.synchronizedList(new ArrayList<>());

    LiveImagesMerger merger(double intervalSeconds) {
      return merger(intervalSeconds, WAVES);
    }

    LiveImagesMerger merger(double intervalSeconds, int waves) {
      return new LiveImagesMerger(
          (ofWaves, afterRender) -> {
            merged.add(ofWaves);
            afterTheRender.add(afterRender);
          },
          intervalSeconds,
          waves);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
