package com.catalogrender.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file system images are written to. For local paths that is the raw local file system:
 * Hadoop's default local file system writes a hidden {@code .name.crc} beside every file, which an
 * image folder does not want.
 */
public final class ImageFileSystems {
  private ImageFileSystems() {}

  public static FileSystem of(Path path, Configuration hadoop) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }
}
