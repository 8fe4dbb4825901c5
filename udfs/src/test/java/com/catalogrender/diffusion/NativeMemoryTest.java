package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1,000 renders in a row do not grow the process: no NDArray outlives its batch, and the resident
 * set (with a fixed, pre-touched heap) stays flat after warm-up.
 */
class NativeMemoryTest {
  private static final int BATCH = 8;
  private static final int RENDERS = 1000;
  private static final long NATIVE_GROWTH_LIMIT = 64L << 20;

  @Test
  void thousandRendersDoNotGrowTheProcess() throws IOException {
    ModelDirectory directory = ModelDirectory.open(DemoModel.directory());
    SamplingOptions options = new SamplingOptions(2, 4.0); // leaks do not depend on step count
    try (DiffusionModel model = DiffusionModel.load(directory, Variant.INT8, ComputeDevice.CPU);
        DiffusionPredictor predictor = model.newPredictor()) {
      long warm = 0;
      for (int start = 0; start < RENDERS; start += BATCH) {
        List<RenderRequest> batch = new ArrayList<>();
        for (int i = start; i < start + BATCH; i++) {
          batch.add(new RenderRequest("red mug on beach " + (i % 7), i));
        }
        assertEquals(BATCH, predictor.render(batch, options).images().size());
        assertEquals(0, predictor.liveArrays(), "NDArrays left after batch at " + start);
        if (start == 200) {
          warm = nativeBytes();
        }
      }
      long growth = nativeBytes() - warm;
      assertTrue(
          growth < NATIVE_GROWTH_LIMIT,
          "native memory grew by " + (growth >> 20) + " MiB over " + (RENDERS - 200) + " renders");
    }
  }

  /**
   * Resident set size. The udfs test JVM runs with a fixed, pre-touched heap (-Xms = -Xmx,
   * AlwaysPreTouch; see udfs/pom.xml), so heap pages are a constant part of it and growth is native
   * memory (libtorch, DJL) plus a little metaspace and JIT code.
   */
  private static long nativeBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
