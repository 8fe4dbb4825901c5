package com.catalogrender.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class HeapPeakTest {
  private static final long MIB = 1 << 20;

  /**
   * While the heap is measured, a full collection keeps the heap the JVM grew (the measures' own
   * collections must not shrink it under the run they measure); the JVM's setting is back after.
   */
  @Test
  void theMeasuresDoNotShrinkTheHeap() {
    com.sun.management.HotSpotDiagnosticMXBean flags =
        java.lang.management.ManagementFactory.getPlatformMXBean(
            com.sun.management.HotSpotDiagnosticMXBean.class);
    String before = flags.getVMOption("MaxHeapFreeRatio").getValue();
    try (ScaleSimulation.HeapPeak heap = new ScaleSimulation.HeapPeak()) {
      assertEquals("100", flags.getVMOption("MaxHeapFreeRatio").getValue());
    }
    assertEquals(before, flags.getVMOption("MaxHeapFreeRatio").getValue());
  }

  /**
   * While a thread deflates a large array (a JNI critical region, as Parquet's and the shuffle's
   * codecs hold), {@code System.gc()} returns without collecting: a measure then would count the
   * 400 MiB of garbage left in the heap. None is counted until a collection runs.
   */
  @Test
  void aSystemGcThatDidNotCollectIsNotAMeasure() throws Exception {
    try (ScaleSimulation.HeapPeak heap = new ScaleSimulation.HeapPeak()) {
      List<byte[]> garbage = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        garbage.add(new byte[(int) MIB]);
      }
      AtomicBoolean deflating = new AtomicBoolean(true);
      Thread deflater =
          new Thread(
              () -> {
                byte[] input = new byte[64 << 20];
                new java.util.Random(1).nextBytes(input);
                byte[] output = new byte[80 << 20];
                while (deflating.get()) {
                  Deflater deflate = new Deflater(1);
                  deflate.setInput(input);
                  deflate.finish();
                  deflate.deflate(output);
                  deflate.end();
                }
              },
              "deflater");
      deflater.setDaemon(true);
      deflater.start();
      Thread.sleep(1000); // the first deflate under way
      garbage = null;
      long whileDeflating = heap.driverLivePeak();
      deflating.set(false);
      deflater.join();
      assertTrue(
          whileDeflating < 300 * MIB,
          "the live heap counted the garbage: " + whileDeflating / MIB + " MiB");
      assertTrue(
          heap.collectionsNotRun() > 0,
          "System.gc() collected every time while a thread deflated: nothing this test can show");
      long after = heap.driverLivePeak();
      assertTrue(heap.liveMeasures() > 0, "no full collection measured once the deflate ended");
      assertTrue(after < 300 * MIB, "live heap " + after / MIB + " MiB");
    }
  }
}
