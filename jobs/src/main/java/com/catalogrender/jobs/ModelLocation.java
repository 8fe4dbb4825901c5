package com.catalogrender.jobs;

import java.nio.file.Path;

/**
 * Where the model directory is: {@code --model-dir}, else $CATALOG_RENDER_MODEL, else models/demo.
 */
final class ModelLocation {
  static final String OPTION = "model-dir";

  private ModelLocation() {}

  static Path resolve(CommandArguments args) {
    String env = System.getenv("CATALOG_RENDER_MODEL");
    return Path.of(args.optional(OPTION, env == null || env.isBlank() ? "models/demo" : env));
  }
}
