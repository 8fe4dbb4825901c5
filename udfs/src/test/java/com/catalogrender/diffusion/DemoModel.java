package com.catalogrender.diffusion;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the committed models (models/demo, models/tiny-*) from a module's working directory. */
public final class DemoModel {
  private DemoModel() {}

  public static Path directory() {
    return directory("demo");
  }

  /** A committed model under models/ by name: demo, tiny-sd1, tiny-sdxl. */
  public static Path directory(String name) {
    String root = System.getProperty("catalogrender.root");
    Path start = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("models").resolve(name);
      if (Files.isRegularFile(candidate.resolve(ModelManifest.FILE_NAME))) {
        return candidate;
      }
    }
    throw new IllegalStateException("models/" + name + "/manifest.json not found above " + start);
  }
}
