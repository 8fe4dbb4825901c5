package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibTorchVersionTest {
  @TempDir Path temp;

  @Test
  void readsTheReleaseDjlsJniJarWasBuiltFor() {
    assertEquals("2.7.1", LibTorchVersion.jniRelease().orElseThrow());
  }

  @Test
  void refusesAPythonTorchOfAnotherRelease() throws IOException {
    Path lib = pythonTorch("2.11.0+cu130");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LibTorchVersion.check(lib, "2.7.1"));
    assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH=" + lib), e.getMessage());
    assertTrue(e.getMessage().contains("holds libtorch 2.11.0+cu130"), e.getMessage());
    assertTrue(e.getMessage().contains("built for libtorch 2.7.1 only"), e.getMessage());
    assertTrue(e.getMessage().contains("set PYTORCH_VERSION=2.7.1"), e.getMessage());
  }

  @Test
  void acceptsLibtorchOfTheSameReleaseWhateverItsBuild() throws IOException {
    Path root = Files.createDirectories(temp.resolve("libtorch/lib")).getParent();
    Files.writeString(root.resolve("build-version"), "2.7.1+cu128\n");
    LibTorchVersion.check(root.resolve("lib"), "2.7.1");
    assertEquals("2.7.1+cu128", LibTorchVersion.found(root.resolve("lib")).orElseThrow().release());
    Files.writeString(root.resolve("build-version"), "2.7.0+cu128\n");
    assertThrows(
        IllegalStateException.class, () -> LibTorchVersion.check(root.resolve("lib"), "2.7.1"));
  }

  @Test
  void followsALinkedLibtorchToItsRelease() throws IOException {
    Path real = pythonTorch("2.11.0+cu130");
    Files.writeString(real.resolve("libtorch.so"), "not a library");
    Path links = Files.createDirectories(temp.resolve("links"));
    Files.createSymbolicLink(links.resolve("libtorch.so"), real.resolve("libtorch.so"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> LibTorchVersion.check(links, "2.7.1"));
    assertTrue(e.getMessage().contains("holds libtorch 2.11.0+cu130"), e.getMessage());
  }

  @Test
  void letsADirectoryOfUnknownReleaseThrough() throws IOException {
    LibTorchVersion.check(Files.createDirectories(temp.resolve("opt/lib")), "2.7.1");
  }

  /**
   * In a JVM of its own, through DJL: PYTORCH_LIBRARY_PATH names the real libtorch 2.7.1 that DJL
   * extracted, in a folder whose version.py says 2.11.0. Loading the demo model must stop with the
   * error (without the check, DJL loads that libtorch and the model loads); saying 2.7.1, it loads.
   */
  @Test
  void aModelLoadStopsBeforeDjlLoadsAnotherRelease() throws Exception {
    Engine.getEngine("PyTorch"); // extracts the bundled CPU libtorch into DJL's cache
    Path bundled;
    try (Stream<Path> dirs = Files.list(Utils.getEngineCacheDir("pytorch"))) {
      bundled =
          dirs.filter(d -> Files.isRegularFile(d.resolve("libtorch_cpu.so")))
              .findFirst()
              .orElseThrow();
    }
    Path lib = pythonTorch("2.11.0+cu130");
    try (Stream<Path> files = Files.list(bundled)) {
      for (Path f : files.toList()) {
        Files.createSymbolicLink(lib.resolve(f.getFileName()), f);
      }
    }
    Run refused = loadDemoModel(lib);
    assertEquals(1, refused.status(), refused.output());
    assertTrue(refused.output().contains("holds libtorch 2.11.0+cu130"), refused.output());

    Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '2.7.1+cpu'\n");
    Run loaded = loadDemoModel(lib);
    assertEquals(0, loaded.status(), loaded.output());
    assertTrue(loaded.output().contains("loaded catalog-render-demo"), loaded.output());
  }

  /** A pip torch's layout: torch/version.py beside torch/lib. */
  private Path pythonTorch(String version) throws IOException {
    Path torch = Files.createDirectories(temp.resolve("site-packages/torch"));
    Files.writeString(
        torch.resolve("version.py"),
        "from typing import Optional\n__version__ = '" + version + "'\ndebug = False\n",
        StandardCharsets.UTF_8);
    return Files.createDirectories(torch.resolve("lib"));
  }

  private record Run(int status, String output) {}

  private Run loadDemoModel(Path lib) throws Exception {
    Path log = temp.resolve("child.log");
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                LoadDemoModel.class.getName(),
                DemoModel.directory().toString()));
    builder.environment().put("PYTORCH_LIBRARY_PATH", lib.toString());
    builder.environment().put("PYTORCH_VERSION", "2.7.1");
    builder.environment().put("PYTORCH_FLAVOR", "cpu");
    builder.environment().put("DJL_CACHE_DIR", temp.resolve("djl-cache").toString());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not finish in 120 s");
    }
    return new Run(process.exitValue(), Files.readString(log));
  }

  /** The child JVM: loads the demo model on the CPU, prints "loaded ID", exits 1 on an error. */
  public static final class LoadDemoModel {
    public static void main(String[] args) {
      try (DiffusionModel model =
          DiffusionModel.load(
              ModelDirectory.open(Path.of(args[0])), Variant.FP32, ComputeDevice.CPU)) {
        System.out.println("loaded " + model.manifest().modelId());
      } catch (RuntimeException e) {
        System.out.println(e.getMessage());
        System.exit(1);
      }
    }
  }
}
