package com.catalogrender.jobs;

import picocli.CommandLine.Option;

/** {@code --settings FILE|URI} of the commands that read render settings. */
final class SettingsFileOption {
  @Option(
      names = "--settings",
      paramLabel = "FILE|URI",
      description = "a properties file of render settings: a path, file:, local:, hdfs://, s3a://")
  String location;
}
