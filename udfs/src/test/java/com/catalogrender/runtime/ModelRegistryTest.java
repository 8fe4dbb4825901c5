package com.catalogrender.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DemoModel;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  private final ModelRegistry registry = ModelRegistry.executorWide();

  @AfterEach
  void closeModels() {
    registry.closeAll();
  }

  @Test
  void eightConcurrentTasksShareOneLoad() throws Exception {
    Path directory = DemoModel.directory();
    ExecutorService tasks = Executors.newFixedThreadPool(8);
    try {
      List<Future<DiffusionModel>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(tasks.submit(() -> registry.get(directory, Variant.INT8, ComputeDevice.CPU)));
      }
      DiffusionModel first = futures.get(0).get();
      for (Future<DiffusionModel> future : futures) {
        assertSame(first, future.get());
      }
    } finally {
      tasks.shutdownNow();
    }
    assertEquals(1, registry.loads());
    // the same directory spelled differently is the same key
    assertSame(
        registry.get(directory, Variant.INT8, ComputeDevice.CPU),
        registry.get(directory.resolve("../demo"), Variant.INT8, ComputeDevice.CPU));
    assertEquals(1, registry.loads());
  }

  @Test
  void keysByVariantAndDevice() {
    Path directory = DemoModel.directory();
    DiffusionModel int8 = registry.get(directory, Variant.INT8, ComputeDevice.CPU);
    DiffusionModel fp32 = registry.get(directory, Variant.FP32, ComputeDevice.CPU);
    assertNotSame(int8, fp32);
    assertEquals(2, registry.loads());
  }
}
