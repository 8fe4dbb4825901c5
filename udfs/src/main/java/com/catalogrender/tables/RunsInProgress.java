package com.catalogrender.tables;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which runs of a warehouse have started and not finished: an empty marker file per run under
 * {@code <warehouse>/_runs_in_progress/}, written when a run starts rendering and removed when it
 * ends, whether it succeeded or failed. A marker that stays is a driver that died: the next run
 * adopts the images it uploaded but never recorded, and removes the marker when it completes.
 * Maintenance never removes files of a run whose marker exists.
 */
public final class RunsInProgress {
  private final Path directory;
  private final FileSystem fs;

  public RunsInProgress(Warehouse warehouse, Configuration hadoop) throws IOException {
    this.directory = new Path(warehouse.root() + "/_runs_in_progress");
    this.fs = directory.getFileSystem(hadoop);
  }

  /** The runs with a marker, oldest name first. */
  public List<String> list() throws IOException {
    List<String> runs = new ArrayList<>();
    if (fs.exists(directory)) {
      for (FileStatus status : fs.listStatus(directory)) {
        String name = status.getPath().getName();
        if (!name.startsWith(".")) { // a checksum file of the local file system
          runs.add(name);
        }
      }
    }
    runs.sort(null);
    return runs;
  }

  public void start(String runId) throws IOException {
    fs.create(new Path(directory, runId), true).close();
  }

  /** Removes the markers of {@code runIds} (this run's, and those it resumed). */
  public void finish(List<String> runIds) throws IOException {
    for (String runId : runIds) {
      fs.delete(new Path(directory, runId), false);
    }
  }
}
