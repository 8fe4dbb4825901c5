package com.catalogrender.io;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a file holds, as a short text that changes when its content changes: the object store's or
 * HDFS's own checksum when the file system keeps one (no read), else the sha256 of the bytes.
 */
public final class ContentHash {
  private ContentHash() {}

  /**
   * The content hash of {@code location} (a path or a Hadoop URI), or {@code "unreadable: ..."}
   * when it cannot be read (the row then fails with the reason when it renders).
   */
  public static String of(String location, Configuration hadoop) {
    Path path = new Path(location);
    try {
      FileSystem fs = ImageFileSystems.of(path, hadoop);
      FileChecksum checksum = fs.getFileChecksum(path);
      if (checksum != null && checksum.getBytes() != null && checksum.getBytes().length > 0) {
        return checksum.getAlgorithmName() + ":" + HexFormat.of().formatHex(checksum.getBytes());
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = fs.open(path)) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (IOException | RuntimeException e) {
      return "unreadable: " + e.getClass().getSimpleName();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
