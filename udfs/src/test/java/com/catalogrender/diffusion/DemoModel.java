package com.catalogrender.diffusion;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the committed demo model (models/demo) from a module's working directory. */
public final class DemoModel {
  private DemoModel() {}

  public static Path directory() {
    String root = System.getProperty("catalogrender.root");
    Path start = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("models/demo");
      if (Files.isRegularFile(candidate.resolve(ModelManifest.FILE_NAME))) {
        return candidate;
      }
    }
    throw new IllegalStateException("models/demo/manifest.json not found above " + start);
  }
}
