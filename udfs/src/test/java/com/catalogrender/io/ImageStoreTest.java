package com.catalogrender.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @Test
  void sweepingARunDeletesOnlyItsAttemptsTemporaryFiles(@TempDir Path root) throws Exception {
    for (String name :
        new String[] {
          "SKU-1.png", // an image
          ".SKU-2.png.tmp-run-a-7-0", // run-a's attempt died between write and rename
          ".SKU-3.png.tmp-run-a-9-1",
          ".SKU-4.png.tmp-run-b-7-0", // another run's, perhaps still writing
          "SKU-5.png.tmp-run-a-note", // not hidden: not a temporary of ours
        }) {
      Files.write(root.resolve(name), new byte[] {1});
    }
    ImageStore store = new ImageStore(root.toUri().toString(), new Configuration());
    assertEquals(2, store.sweepTemporary("run-a"));
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(
          Set.of("SKU-1.png", ".SKU-4.png.tmp-run-b-7-0", "SKU-5.png.tmp-run-a-note"),
          left.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertEquals(0, store.sweepTemporary("run-a"));
  }
}
