package com.catalogrender.jobs;

import com.catalogrender.runtime.ModelCache;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code --model-dir}: where the model directory is; else $CATALOG_RENDER_MODEL, else models/demo.
 * A remote one (s3a://, hdfs://) is fetched into the local model cache first.
 */
final class ModelLocation {
  @Option(
      names = "--model-dir",
      paramLabel = "DIR|URI",
      defaultValue = "${env:CATALOG_RENDER_MODEL:-models/demo}",
      description = "the model directory: a path, file:, local:, hdfs:// or s3a://")
  String location;

  /** The model directory on this machine. */
  Path local(Configuration hadoop) {
    return ModelCache.resolve(location, ModelCache.defaultRoot(), hadoop).directory();
  }

  /** The model directory on this machine, read with Hadoop's default configuration. */
  Path local() {
    return local(new Configuration());
  }
}
