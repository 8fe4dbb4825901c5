package com.catalogrender.diffusion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libtorch that {@code PYTORCH_LIBRARY_PATH} names must be the release DJL's JNI library was
 * built for. DJL loads any libtorch it is given, and a different release crashes the JVM in native
 * code instead of failing with an error: on an H200 with Python's torch 2.11 (CUDA 13), the JNI of
 * DJL 0.36 (built for 2.7.1) found 6 of the 372 libtorch symbols it uses missing and the executor
 * died with SIGSEGV in {@code c10::AutogradState::set_tls_state}. This check reads the release
 * beside the library directory (libtorch's {@code build-version}, or a Python torch's {@code
 * version.py}; through a linked {@code libtorch.so} too) and stops before DJL loads anything.
 * Without {@code PYTORCH_LIBRARY_PATH}, DJL's own native jar is used and matches by construction; a
 * directory whose release cannot be read is let through with a warning.
 */
public final class LibTorchVersion {
  private static final Logger LOG = LoggerFactory.getLogger(LibTorchVersion.class);
  private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(\\S*)");
  private static final Pattern PYTHON_VERSION =
      Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
  private static volatile boolean checked;

  private LibTorchVersion() {}

  /** Checks once per JVM, before the first module loads; throws when the releases differ. */
  public static void check() {
    if (checked) {
      return;
    }
    synchronized (LibTorchVersion.class) {
      if (!checked) {
        // DJL's own lookup, so the check reads the folder DJL will load
        String path = ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH");
        Optional<String> built = jniRelease();
        if (path != null && !path.isBlank() && built.isPresent()) {
          check(Path.of(path), built.get());
        }
        checked = true;
      }
    }
  }

  /**
   * Throws when the libtorch in {@code libraryDirectory} is not release {@code built} (major, minor
   * and patch; the build suffix such as {@code +cu128} is not compared).
   */
  static void check(Path libraryDirectory, String built) {
    Optional<Found> found = found(libraryDirectory);
    if (found.isEmpty()) {
      LOG.warn(
          "PYTORCH_LIBRARY_PATH={}: no build-version or version.py beside it, so its libtorch"
              + " release is unknown; DJL's JNI library needs libtorch {}",
          libraryDirectory,
          built);
      return;
    }
    Matcher release = RELEASE.matcher(found.get().release());
    if (release.find() && release.group(1).equals(built)) {
      return;
    }
    throw new IllegalStateException(
        "PYTORCH_LIBRARY_PATH="
            + libraryDirectory
            + " holds libtorch "
            + found.get().release()
            + " (read from "
            + found.get().source()
            + "), but DJL's JNI library on the classpath is built for libtorch "
            + built
            + " only, and another release crashes the JVM in native code. Point"
            + " PYTORCH_LIBRARY_PATH at the lib directory of a libtorch "
            + built
            + " build (for a GPU, its CUDA build: PYTORCH_FLAVOR=cu128), and set PYTORCH_VERSION="
            + built
            + "; or unset PYTORCH_LIBRARY_PATH to run on the CPU with the bundled libtorch.");
  }

  /**
   * The release of the libtorch in {@code libraryDirectory}, if a file beside it says; when its
   * {@code libtorch.so} is a link, beside the folder the link leads to as well.
   */
  static Optional<Found> found(Path libraryDirectory) {
    Optional<Found> here = besideFolder(libraryDirectory.toAbsolutePath().normalize());
    Path libtorch = libraryDirectory.resolve("libtorch.so");
    if (here.isPresent() || !Files.isSymbolicLink(libtorch)) {
      return here;
    }
    try {
      return besideFolder(libtorch.toRealPath().getParent());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Found> besideFolder(Path folder) {
    Path parent = folder.getParent();
    if (parent == null) {
      return Optional.empty();
    }
    Path buildVersion = parent.resolve("build-version");
    Path versionPy = parent.resolve("version.py");
    try {
      if (Files.isRegularFile(buildVersion)) {
        String text = Files.readString(buildVersion, StandardCharsets.UTF_8).trim();
        if (!text.isEmpty()) {
          return Optional.of(new Found(text.split("\\s+")[0], buildVersion));
        }
      }
      if (Files.isRegularFile(versionPy)) {
        Matcher m = PYTHON_VERSION.matcher(Files.readString(versionPy, StandardCharsets.UTF_8));
        if (m.find()) {
          return Optional.of(new Found(m.group(1), versionPy));
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot read the libtorch release beside {}: {}", folder, e.toString());
    }
    return Optional.empty();
  }

  /** The libtorch release DJL's JNI jar was built for ({@code jni_version=2.7.1-0.36.0}). */
  static Optional<String> jniRelease() {
    try (InputStream in =
        LibTorchVersion.class.getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
      if (in == null) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      properties.load(in);
      Matcher m = RELEASE.matcher(properties.getProperty("jni_version", ""));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A release as written in {@code source}. */
  record Found(String release, Path source) {}
}
