package com.catalogrender.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scale benchmark's LLM gateway: a real HTTP server on loopback speaking OpenAI's chat
 * completions schema with Bifrost's cache marker, answering with the seed's latencies (p95 340 ms
 * on a miss, 110 ms on a semantic-cache hit; log-normal, sigma 0.4) and its 47% hit rate, each
 * prompt's fate drawn from the prompt itself so reruns see the same gateway. Its answer keeps the
 * prompt's words and adds a lighting phrase.
 */
public final class SimulatedGateway implements AutoCloseable {
  /** The seed's semantic-cache hit rate. */
  public static final double HIT_RATE = 0.47;

  private static final double SIGMA = 0.4;
  private static final double Z95 = 1.6449;
  private static final double MISS_P95_MS = 340;
  private static final double HIT_P95_MS = 110;

  private final HttpServer server;
  private final ExecutorService threads;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong latencyMillis = new AtomicLong();

  public SimulatedGateway() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    threads = Executors.newFixedThreadPool(256);
    server.setExecutor(threads);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public long requests() {
    return requests.get();
  }

  public long hits() {
    return hits.get();
  }

  /** Mean latency the gateway added per request, in milliseconds. */
  public double meanLatencyMillis() {
    long n = requests.get();
    return n == 0 ? 0 : (double) latencyMillis.get() / n;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
      String user = body.path("messages").path(1).path("content").asText("");
      String prompt = user.replaceAll("(?s)^.*\nPrompt: ", "").trim();
      SplittableRandom random = new SplittableRandom(prompt.hashCode() * 0x9E3779B97F4A7C15L);
      boolean hit = random.nextDouble() < HIT_RATE;
      double p95 = hit ? HIT_P95_MS : MISS_P95_MS;
      long millis = Math.round(p95 * Math.exp(SIGMA * (gaussian(random) - Z95)));
      requests.incrementAndGet();
      hits.addAndGet(hit ? 1 : 0);
      latencyMillis.addAndGet(millis);
      Thread.sleep(millis);
      ObjectNode answer = json.createObjectNode();
      answer.put("id", "chatcmpl-simulated");
      answer.put("object", "chat.completion");
      answer.put("model", body.path("model").asText() + "-2024-07-18");
      answer
          .putArray("choices")
          .addObject()
          .put("index", 0)
          .putObject("message")
          .put("role", "assistant")
          .put("content", prompt + ", studio lighting from upper-left");
      long promptTokens = 60 + prompt.length() / 4;
      ObjectNode usage = answer.putObject("usage");
      usage.put("prompt_tokens", promptTokens);
      usage.put("completion_tokens", 18);
      usage.put("total_tokens", promptTokens + 18);
      ObjectNode extra = answer.putObject("extra_fields");
      extra.put("provider", "openai");
      extra.putObject("cache_debug").put("cache_hit", hit).put("hit_type", "semantic");
      byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
