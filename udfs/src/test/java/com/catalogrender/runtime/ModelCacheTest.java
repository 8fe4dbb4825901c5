package com.catalogrender.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.diffusion.DemoModel;
import com.catalogrender.diffusion.ModelArtifactException;
import com.catalogrender.diffusion.ModelDirectory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
  @TempDir Path temp;

  /** A Hadoop file system under another scheme, so that the model is remote to the cache. */
  public static final class RemoteFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("remote:///");
    }

    @Override
    public String getScheme() {
      return "remote";
    }
  }

  private static Configuration hadoop() {
    Configuration conf = new Configuration();
    conf.set("fs.remote.impl", RemoteFileSystem.class.getName());
    conf.setBoolean("fs.remote.impl.disable.cache", true);
    return conf;
  }

  @Test
  void localLocationsAreNotFetched() {
    assertFalse(ModelCache.isRemote("models/demo"));
    assertFalse(ModelCache.isRemote("file:/models/demo"));
    assertFalse(ModelCache.isRemote("local:/opt/models/demo"));
    assertTrue(ModelCache.isRemote("s3a://bucket/models/demo"));
    ModelCache.Local local =
        ModelCache.resolve("local:" + DemoModel.directory(), temp.resolve("cache"), hadoop());
    assertEquals(DemoModel.directory().toAbsolutePath().normalize(), local.directory());
    assertFalse(local.fetchedNow());
  }

  @Test
  void fetchesARemoteModelOnceVerifiedAndConcurrentTasksWaitForIt() throws Exception {
    String location = "remote://" + copyOfDemo("a");
    Path cache = temp.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<ModelCache.Local>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(pool.submit(() -> ModelCache.resolve(location, cache, hadoop())));
    }
    int fetched = 0;
    Path directory = null;
    for (Future<ModelCache.Local> result : results) {
      ModelCache.Local local = result.get();
      fetched += local.fetchedNow() ? 1 : 0;
      directory = local.directory();
      assertTrue(local.bytes() > 1_000_000, "bytes " + local.bytes());
    }
    pool.shutdown();
    assertEquals(1, fetched, "four tasks, one fetch");
    assertTrue(directory.startsWith(cache), directory.toString());
    assertEquals("catalog-render-demo", ModelDirectory.open(directory).manifest().modelId());
    assertNothingStartsWith(cache, ".fetch-", "no partial copy left");
  }

  @Test
  void aLaterExecutorOnTheSameMachineReusesTheCache() throws IOException {
    Path source = copyOfDemo("b");
    Path cache = temp.resolve("cache");
    // the same model uploaded at two locations: the second finds the first's copy on disk
    Path again = temp.resolve("b-again");
    Files.move(copyOfDemo("b2"), again);
    ModelCache.Local first = ModelCache.resolve("remote://" + source, cache, hadoop());
    ModelCache.Local second = ModelCache.resolve("remote://" + again, cache, hadoop());
    assertTrue(first.fetchedNow());
    assertFalse(second.fetchedNow());
    assertEquals(first.directory(), second.directory());
    assertEquals(first.bytes(), second.bytes());
  }

  @Test
  void aTamperedUploadFailsNamingTheFileAndLeavesNoCache() throws IOException {
    Path source = copyOfDemo("c");
    Files.writeString(source.resolve("vocabulary.txt"), "x\n", StandardOpenOption.APPEND);
    Path cache = temp.resolve("cache");
    ModelArtifactException e =
        assertThrows(
            ModelArtifactException.class,
            () -> ModelCache.resolve("remote://" + source, cache, hadoop()));
    assertTrue(
        e.getMessage().contains("vocabulary.txt at remote://" + source + " does not match"),
        e.getMessage());
    assertNothingStartsWith(cache, "catalog-render-demo", "nothing moved into place");
  }

  @Test
  void theDriverReadsOnlyTheRemoteManifest() throws IOException {
    Path source = copyOfDemo("d");
    Files.delete(source.resolve("unet_fp32.pt"));
    assertEquals(
        "catalog-render-demo", ModelCache.manifest("remote://" + source, hadoop()).modelId());
  }

  private static void assertNothingStartsWith(Path directory, String prefix, String message)
      throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      assertFalse(entries.anyMatch(p -> p.getFileName().toString().startsWith(prefix)), message);
    }
  }

  private Path copyOfDemo(String name) throws IOException {
    Path target = Files.createDirectories(temp.resolve(name));
    try (Stream<Path> files = Files.list(DemoModel.directory())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
    return target;
  }
}
