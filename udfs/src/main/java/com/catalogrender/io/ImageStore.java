package com.catalogrender.io;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Writes image bytes under an image root through Hadoop's FileSystem API: a local directory, HDFS
 * or {@code s3a://bucket/prefix}. An object appears whole or not at all: on object stores the
 * upload completes on close; on file systems the bytes go to a hidden temporary file that is then
 * renamed over the key. A retried task overwrites the same key.
 */
public final class ImageStore {
  private final Path root;
  private final FileSystem fileSystem;
  private final boolean objectStore;

  /** The root as a local directory when the file system is the local one, else null. */
  private final java.nio.file.Path localRoot;

  private boolean localRootExists;

  public ImageStore(String rootUri, Configuration hadoop) throws IOException {
    this.root = new Path(rootUri);
    this.fileSystem = ImageFileSystems.of(root, hadoop);
    String scheme = fileSystem.getUri().getScheme();
    this.objectStore =
        scheme != null
            && (scheme.startsWith("s3") || scheme.equals("gs") || scheme.startsWith("abfs"));
    this.localRoot =
        fileSystem instanceof RawLocalFileSystem local ? local.pathToFile(root).toPath() : null;
  }

  /**
   * Deletes the temporary files that attempts of run {@code runId} left behind (an executor killed
   * between write and rename); their rows were rendered again by a retry. Returns how many. On a
   * local disk it reads the directory's names only (10^6 images: Hadoop's listing built a status
   * per file, about 25 s on the driver).
   */
  public int sweepTemporary(String runId) throws IOException {
    if (objectStore || !fileSystem.exists(root)) {
      return 0; // object stores have no temporary names: an upload appears whole on close
    }
    String marker = ".tmp-" + runId + "-";
    int deleted = 0;
    if (localRoot != null) {
      try (java.nio.file.DirectoryStream<java.nio.file.Path> names =
          java.nio.file.Files.newDirectoryStream(
              localRoot,
              path -> {
                String name = path.getFileName().toString();
                return name.startsWith(".") && name.contains(marker);
              })) {
        for (java.nio.file.Path temporary : names) {
          deleted += java.nio.file.Files.deleteIfExists(temporary) ? 1 : 0;
        }
      }
      return deleted;
    }
    for (org.apache.hadoop.fs.FileStatus status :
        fileSystem.listStatus(
            root, path -> path.getName().startsWith(".") && path.getName().contains(marker))) {
      deleted += fileSystem.delete(status.getPath(), false) ? 1 : 0;
    }
    return deleted;
  }

  /**
   * Stores one object.
   *
   * @param key a flat key from ObjectKeys.imageKey (catalog)
   * @param attempt unique per task attempt, names the temporary file
   * @return the object's fully qualified URI
   */
  /** An image already stored under a key: its URI, size in bytes, and pixel size. */
  public record Stored(URI uri, long bytes, int width, int height) {}

  /**
   * The image stored under {@code key}, or null when there is none or it is not a readable image (a
   * partial upload); reads only the image's header.
   */
  public Stored existing(String key) throws IOException {
    Path target = new Path(root, key);
    if (!fileSystem.exists(target)) {
      return null;
    }
    long bytes = fileSystem.getFileStatus(target).getLen();
    try (java.io.InputStream in = fileSystem.open(target);
        javax.imageio.stream.ImageInputStream images =
            javax.imageio.ImageIO.createImageInputStream(in)) {
      java.util.Iterator<javax.imageio.ImageReader> readers =
          images == null ? null : javax.imageio.ImageIO.getImageReaders(images);
      if (readers == null || !readers.hasNext()) {
        return null;
      }
      javax.imageio.ImageReader reader = readers.next();
      try {
        reader.setInput(images);
        return new Stored(
            fileSystem.makeQualified(target).toUri(),
            bytes,
            reader.getWidth(0),
            reader.getHeight(0));
      } catch (IOException e) {
        return null;
      } finally {
        reader.dispose();
      }
    }
  }

  public URI write(String key, byte[] bytes, String attempt) throws IOException {
    if (key.contains("/") || key.contains("\\") || key.startsWith(".")) {
      throw new IllegalArgumentException("Object key must be a flat name, got '" + key + "'");
    }
    Path target = new Path(root, key);
    if (localRoot != null) {
      writeLocal(key, bytes, attempt);
    } else if (objectStore) {
      try (OutputStream out = fileSystem.create(target, true)) {
        out.write(bytes);
      }
    } else {
      Path temporary = new Path(root, "." + key + ".tmp-" + attempt);
      try (OutputStream out = fileSystem.create(temporary, true)) {
        out.write(bytes);
      }
      if (fileSystem.exists(target)) {
        fileSystem.delete(target, false);
      }
      if (!fileSystem.rename(temporary, target)) {
        fileSystem.delete(temporary, false);
        throw new IOException("Could not rename " + temporary + " to " + target);
      }
    }
    return fileSystem.makeQualified(target).toUri();
  }

  /**
   * The local file system directly: Hadoop's local create sets each new file's permission by
   * running {@code chmod} in a child process when Hadoop's native library is absent (about 6 ms per
   * image); the JVM writes the file with the process's umask instead. Same temporary name, same
   * atomic rename over the key.
   */
  private void writeLocal(String key, byte[] bytes, String attempt) throws IOException {
    if (!localRootExists) {
      java.nio.file.Files.createDirectories(localRoot);
      localRootExists = true;
    }
    java.nio.file.Path temporary = localRoot.resolve("." + key + ".tmp-" + attempt);
    java.nio.file.Files.write(temporary, bytes);
    try {
      java.nio.file.Files.move(
          temporary,
          localRoot.resolve(key),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      java.nio.file.Files.deleteIfExists(temporary);
      throw new IOException("Could not rename " + temporary + " to " + key + ": " + e, e);
    }
  }
}
