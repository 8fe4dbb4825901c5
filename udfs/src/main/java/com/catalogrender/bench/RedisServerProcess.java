package com.catalogrender.bench;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real redis-server on a free loopback port for the embedding cache measurement, started by the
 * bench and stopped by {@link #close()}; {@link #settings()} points a render run at it.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Process process;
  private final Map<String, String> settings = new HashMap<>();

  private RedisServerProcess(Process process, int port) {
    this.process = process;
    if (process != null) {
      settings.put("spark.redis.host", "127.0.0.1");
      settings.put("spark.redis.port", Integer.toString(port));
      settings.put("embedding_cache", "redis");
    }
  }

  /** A real Redis for the cache measurement: the given binary, else redis-server on PATH. */
  public static RedisServerProcess start(String binary, Path work, Consumer<String> progress)
      throws Exception {
    String server = binary;
    if (server == null) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, "redis-server"))) {
          server = Path.of(dir, "redis-server").toString();
          break;
        }
      }
    }
    if (server == null) {
      progress.accept(
          "no redis-server found (apt-get install redis-server, or --redis-server PATH): the"
              + " embedding cache is measured in-process");
      return new RedisServerProcess(null, 0);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                server, "--port", Integer.toString(port), "--save", "", "--appendonly", "no")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("redis.log").toFile())
            .start();
    Thread.sleep(500);
    return new RedisServerProcess(process, port);
  }

  /** Render settings that use this Redis for the embedding cache (empty when none started). */
  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
    }
  }
}
