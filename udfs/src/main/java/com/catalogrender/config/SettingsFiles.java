package com.catalogrender.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Reads the files settings name (the settings file, rates, audit prompts) from where cluster users
 * keep them: a local path, {@code file:}, {@code local:} or any Hadoop URI ({@code hdfs://}, {@code
 * s3a://}); and the built-in defaults, packaged in the jar from {@code conf/}, so that a driver in
 * cluster deploy mode reads nothing from its working directory.
 */
public final class SettingsFiles {
  /** Where {@code conf/NAME} lies among the jar's resources. */
  private static final String PACKAGED = "/catalog-render/conf/";

  private SettingsFiles() {}

  /** The packaged copy of {@code conf/name} (e.g. {@code rates.properties}). */
  public static byte[] packaged(String name) {
    try (InputStream in = SettingsFiles.class.getResourceAsStream(PACKAGED + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "conf/" + name + " is missing from the catalog-render jar; rebuild it");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the packaged conf/" + name, e);
    }
  }

  /** The bytes at {@code location}; {@code what} names the setting in errors. */
  public static byte[] read(String location, Configuration hadoop, String what) {
    try {
      Path local = Locations.localPath(location);
      if (local != null) {
        if (!Files.isRegularFile(local)) {
          throw new IllegalArgumentException(
              what + " " + location + " does not exist (" + local.toAbsolutePath() + ")");
        }
        return Files.readAllBytes(local);
      }
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = path.getFileSystem(hadoop == null ? new Configuration() : hadoop);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException(what + " " + location + " does not exist");
      }
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read " + what + " " + location + ": " + e.getMessage(), e);
    }
  }

  /** {@code key=value} lines of a properties text, keys and values trimmed. */
  public static Map<String, String> properties(byte[] text, String source) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(new String(text, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed properties in " + source + ": " + e, e);
    }
    Map<String, String> out = new TreeMap<>();
    properties
        .stringPropertyNames()
        .forEach(k -> out.put(k.trim(), properties.getProperty(k).trim()));
    return out;
  }
}
