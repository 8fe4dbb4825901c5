package com.catalogrender.runtime;

import com.catalogrender.config.Locations;
import com.catalogrender.diffusion.ModelArtifactException;
import com.catalogrender.diffusion.ModelManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a model directory is on this machine. A location is a local path, a {@code file:} URI, a
 * {@code local:} path (present on every node, as Spark means it), a relative name that Spark's
 * {@code --archives model.tgz#model} unpacked, or any Hadoop file system URI ({@code s3a://},
 * {@code hdfs://}, ...). A remote directory is fetched once into a local cache on this machine:
 * every file the manifest lists is checked against its sha256 while it is copied, the copy is moved
 * into place atomically, concurrent tasks (and other executors on the same machine) wait for the
 * first fetch, and later runs reuse it.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<String, Local> RESOLVED = new ConcurrentHashMap<>();
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
  private static final String UPLOAD_ADVICE =
      ". Upload the whole model directory (built by models/scripts/export.py) and point model_dir"
          + " at it.";

  /**
   * A model directory on this machine.
   *
   * @param fetchedNow whether this call copied it from remote storage (false: local or cached)
   * @param bytes the size of the files the manifest lists
   * @param seconds how long the fetch took (0 when nothing was fetched)
   */
  public record Local(Path directory, boolean fetchedNow, long bytes, double seconds)
      implements Serializable {}

  private ModelCache() {}

  /** Whether {@code location} names a Hadoop file system other than the local one. */
  public static boolean isRemote(String location) {
    return Locations.isRemote(location);
  }

  /**
   * The local directory of {@code location}; a remote one is fetched into {@code cacheRoot} the
   * first time this JVM asks (later calls answer {@code fetchedNow = false}).
   */
  public static Local resolve(String location, Path cacheRoot, Configuration hadoop) {
    if (!isRemote(location)) {
      return new Local(localPath(location), false, 0, 0);
    }
    Local cached = RESOLVED.get(location);
    if (cached != null) {
      return new Local(cached.directory(), false, cached.bytes(), 0);
    }
    synchronized (LOCKS.computeIfAbsent(location, l -> new Object())) {
      cached = RESOLVED.get(location);
      if (cached != null) {
        return new Local(cached.directory(), false, cached.bytes(), 0);
      }
      Local fetched = fetch(location, cacheRoot, hadoop);
      RESOLVED.put(location, fetched);
      return fetched;
    }
  }

  /**
   * The manifest of the model at {@code location}: read remotely (the driver needs no model files),
   * or from a local directory whose files are verified.
   */
  public static ModelManifest manifest(String location, Configuration hadoop) {
    if (!isRemote(location)) {
      return com.catalogrender.diffusion.ModelDirectory.open(localPath(location)).manifest();
    }
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
    try {
      FileSystem fs = remote.getFileSystem(hadoop);
      return ModelManifest.parse(
          readAll(fs, new org.apache.hadoop.fs.Path(remote, ModelManifest.FILE_NAME)), location);
    } catch (IOException e) {
      throw new ModelArtifactException("Could not read the manifest of " + location + ": " + e, e);
    }
  }

  /**
   * The default cache root: $CATALOG_RENDER_MODEL_CACHE, else {@code
   * java.io.tmpdir}/catalog-render-models.
   */
  public static Path defaultRoot() {
    String env = System.getenv("CATALOG_RENDER_MODEL_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("java.io.tmpdir"), "catalog-render-models");
  }

  private static Path localPath(String location) {
    Path path = Locations.localPath(location);
    if (Locations.scheme(location) == null && !path.isAbsolute() && !Files.exists(path)) {
      // --archives model.tgz#model: Spark unpacks it beside the executor and under SparkFiles
      Path unpacked = sparkFile(location);
      if (unpacked != null) {
        return unpacked;
      }
    }
    return path.toAbsolutePath().normalize();
  }

  private static Path sparkFile(String name) {
    try {
      if (org.apache.spark.SparkEnv.get() == null) {
        return null;
      }
      Path candidate = Path.of(org.apache.spark.SparkFiles.get(name));
      return Files.isDirectory(candidate) ? candidate : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Local fetch(String location, Path cacheRoot, Configuration hadoop) {
    long start = System.nanoTime();
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
    try {
      FileSystem fs = remote.getFileSystem(hadoop);
      byte[] manifestBytes = readAll(fs, new org.apache.hadoop.fs.Path(remote, "manifest.json"));
      ModelManifest manifest = ModelManifest.parse(manifestBytes, location);
      String key = sha256(manifestBytes).substring(0, 16);
      Files.createDirectories(cacheRoot);
      Path target =
          cacheRoot.resolve(safe(manifest.modelId()) + "-" + safe(manifest.version()) + "-" + key);
      // other executors on this machine share the cache: a file lock makes them wait for the first
      try (FileChannel channel =
              FileChannel.open(
                  cacheRoot.resolve("." + key + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.isRegularFile(target.resolve(ModelManifest.FILE_NAME))) {
          LOG.info("Model {} found in the local cache {}", location, target);
          return new Local(target, false, size(manifest, target), 0);
        }
        Path partial = Files.createTempDirectory(cacheRoot, ".fetch-" + key + "-");
        long bytes = 0;
        for (Map.Entry<String, String> file : manifest.files().entrySet()) {
          bytes += copyVerified(fs, remote, file.getKey(), file.getValue(), partial, location);
        }
        Files.write(partial.resolve(ModelManifest.FILE_NAME), manifestBytes);
        moveIntoPlace(partial, target);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
            "Fetched model {} {} ({} files, {} bytes) from {} into {} in {} s",
            manifest.modelId(),
            manifest.version(),
            manifest.files().size(),
            bytes,
            location,
            target,
            String.format(Locale.ROOT, "%.2f", seconds));
        return new Local(target, true, bytes, seconds);
      }
    } catch (IOException e) {
      throw new ModelArtifactException(
          "Could not fetch the model directory "
              + location
              + ": "
              + e
              + ". Check model_dir and the file system's credentials (spark.hadoop.fs.*).",
          e);
    }
  }

  private static long copyVerified(
      FileSystem fs,
      org.apache.hadoop.fs.Path remote,
      String name,
      String expected,
      Path partial,
      String location)
      throws IOException {
    Path local = partial.resolve(name).normalize();
    if (!local.startsWith(partial)) {
      throw new ModelArtifactException(
          "Model manifest at " + location + " lists a file outside its directory: " + name);
    }
    Files.createDirectories(local.getParent());
    MessageDigest digest = sha256Digest();
    long bytes;
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(remote, name));
        OutputStream out = new DigestOutputStream(Files.newOutputStream(local), digest)) {
      bytes = in.transferTo(out);
    } catch (java.io.FileNotFoundException e) {
      throw new ModelArtifactException(
          "Model file " + name + " listed in the manifest at " + location + " is missing", e);
    }
    ModelArtifactException.checkSha256(
        name + " at " + location,
        HexFormat.of().formatHex(digest.digest()),
        expected,
        "The upload is incomplete or from another model build; upload it again.");
    return bytes;
  }

  private static void moveIntoPlace(Path partial, Path target) throws IOException {
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, target);
    } catch (java.nio.file.FileAlreadyExistsException
        | java.nio.file.DirectoryNotEmptyException e) {
      // another process finished first without our lock (a cache shared over NFS): keep theirs
      try {
        LocalDirectories.deleteTree(partial);
      } catch (IOException leftOver) {
        LOG.warn(
            "Could not remove the partial copy {}; the finished one is used", partial, leftOver);
      }
    }
  }

  private static long size(ModelManifest manifest, Path directory) throws IOException {
    long bytes = 0;
    for (String name : manifest.files().keySet()) {
      bytes += Files.size(directory.resolve(name));
    }
    return bytes;
  }

  private static byte[] readAll(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
    if (!fs.exists(path)) {
      throw new ModelArtifactException("No manifest.json at " + path + UPLOAD_ADVICE);
    }
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
