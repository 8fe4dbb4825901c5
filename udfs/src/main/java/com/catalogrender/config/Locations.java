package com.catalogrender.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a location a setting names is read: a path without a scheme, a {@code file:} URI or a {@code
 * local:} path (present on every node, as Spark means it) are local files; any other scheme ({@code
 * s3a://}, {@code hdfs://}, ...) goes through Hadoop's file systems. The one rule the settings
 * files, the model cache and the audit prompts share.
 */
public final class Locations {
  private Locations() {}

  /** The lower-cased scheme of {@code location}, or null (none, or a Windows drive letter). */
  public static String scheme(String location) {
    int colon = location.indexOf(':');
    if (colon < 2) {
      return null;
    }
    String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
    return Character.isLetter(scheme.charAt(0))
            && scheme
                .chars()
                .allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
        ? scheme
        : null;
  }

  /** Whether {@code location} is read through a Hadoop file system other than the local one. */
  public static boolean isRemote(String location) {
    String scheme = scheme(location);
    return scheme != null && !scheme.equals("file") && !scheme.equals("local");
  }

  /** The local path of {@code location} as given (not made absolute), or null when remote. */
  public static Path localPath(String location) {
    String scheme = scheme(location);
    if (scheme == null) {
      return Path.of(location);
    }
    return switch (scheme) {
      case "file" -> Path.of(URI.create(location));
      case "local" -> Path.of(location.substring("local:".length()));
      default -> null;
    };
  }
}
