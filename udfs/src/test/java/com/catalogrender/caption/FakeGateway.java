package com.catalogrender.caption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * A fake AI gateway for tests: a real HTTP server on loopback speaking OpenAI's chat completions
 * schema, with a semantic cache simulated per flavor (an exact repeat of a prompt in the same cache
 * partition is a hit, marked the way that flavor marks hits), token usage, and scripted failures:
 * HTTP statuses with Retry-After, slow answers, garbage answers, or everything failing.
 */
public final class FakeGateway implements AutoCloseable {
  /** One scripted reply: a status (200 = a normal answer), headers, a delay, an optional body. */
  public record Reply(int status, Map<String, String> headers, long delayMillis, String body) {
    public static Reply status(int status) {
      return new Reply(
          status, Map.of(), 0, "{\"error\":{\"message\":\"scripted " + status + "\"}}");
    }

    public static Reply retryAfter(int status, String seconds) {
      return new Reply(
          status, Map.of("Retry-After", seconds), 0, "{\"error\":{\"message\":\"slow down\"}}");
    }

    public static Reply slow(long millis) {
      return new Reply(200, Map.of(), millis, null);
    }

    public static Reply content(String content) {
      return new Reply(200, Map.of(), 0, "CONTENT:" + content);
    }
  }

  /** What the gateway received. */
  public record Received(
      Map<String, String> headers, JsonNode body, String category, String prompt, long atNanos) {}

  private final HttpServer server;
  private final GatewayFlavor flavor;
  private final ObjectMapper json = new ObjectMapper();
  private final Deque<Reply> script = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final Set<String> cached = new HashSet<>();
  private volatile Reply always;
  private volatile java.util.function.UnaryOperator<String> answering;

  public FakeGateway(GatewayFlavor flavor) throws IOException {
    this.flavor = flavor;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replies used, in order, for the next requests before normal answers resume. */
  public synchronized FakeGateway then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Every request gets this reply (null: back to normal answers). */
  public FakeGateway always(Reply reply) {
    this.always = reply;
    return this;
  }

  /**
   * Normal answers say what {@code contentForPrompt} makes of the prompt (null: the usual {@link
   * #captionFor} caption), e.g. the caption wrapped the way a chat model writes it.
   */
  public FakeGateway answering(java.util.function.UnaryOperator<String> contentForPrompt) {
    this.answering = contentForPrompt;
    return this;
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  public synchronized void clearReceived() {
    received.clear();
  }

  /** Prompt tokens the fake bills for a prompt. */
  public static long promptTokens(String prompt) {
    return 60 + prompt.length() / 4;
  }

  public static final long COMPLETION_TOKENS = 18;

  /** The caption the fake answers: the prompt with words the demo model knows. */
  public static String captionFor(String prompt) {
    return prompt.trim() + ", studio lighting from upper-left";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = json.readTree(raw);
      String user = body.path("messages").path(1).path("content").asText("");
      String category = user.replaceAll("(?s)^Category: (.*?)\nPrompt: .*$", "$1");
      String prompt = user.replaceAll("(?s)^.*\nPrompt: ", "");
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      Reply reply;
      synchronized (this) {
        received.add(new Received(headers, body, category, prompt, System.nanoTime()));
        reply = always != null ? always : script.poll();
      }
      if (reply != null && reply.delayMillis() > 0) {
        Thread.sleep(reply.delayMillis());
      }
      if (reply != null && reply.status() != 200) {
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        send(exchange, reply.status(), reply.body());
        return;
      }
      java.util.function.UnaryOperator<String> shape = answering;
      String content = shape == null ? captionFor(prompt) : shape.apply(prompt);
      if (reply != null && reply.body() != null && reply.body().startsWith("CONTENT:")) {
        content = reply.body().substring("CONTENT:".length());
      }
      String partition = partition(headers, body);
      boolean hit = false;
      if (partition != null) {
        synchronized (this) {
          hit = !cached.add(partition + "\n" + prompt);
        }
      }
      ObjectNode answer = json.createObjectNode();
      answer.put("id", "chatcmpl-fake");
      answer.put("object", "chat.completion");
      answer.put("model", body.path("model").asText() + "-2024-07-18");
      ObjectNode message =
          answer.putArray("choices").addObject().put("index", 0).putObject("message");
      message.put("role", "assistant").put("content", content);
      ObjectNode usage = answer.putObject("usage");
      usage.put("prompt_tokens", promptTokens(prompt));
      usage.put("completion_tokens", COMPLETION_TOKENS);
      usage.put("total_tokens", promptTokens(prompt) + COMPLETION_TOKENS);
      switch (flavor) {
        case BIFROST -> {
          ObjectNode extra = answer.putObject("extra_fields");
          extra.put("provider", "openai");
          extra.putObject("cache_debug").put("cache_hit", hit).put("hit_type", "semantic");
          usage.putObject("cost").put("total_cost", 0.000021);
        }
        case LITELLM -> {
          if (hit) {
            exchange.getResponseHeaders().add("x-litellm-cache-key", "k-" + prompt.hashCode());
          }
          exchange.getResponseHeaders().add("x-litellm-response-cost", "0.000021");
        }
        case PORTKEY ->
            exchange
                .getResponseHeaders()
                .add("x-portkey-cache-status", hit ? "SEMANTIC HIT" : "MISS");
        case OPENAI -> {}
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      send(exchange, 200, answer.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The cache partition the request asks for, or null when it bypasses or has no cache. */
  private String partition(Map<String, String> headers, JsonNode body) {
    return switch (flavor) {
      case BIFROST -> headers.get("x-bf-cache-key");
      case LITELLM ->
          body.path("cache").path("namespace").isTextual()
              ? body.path("cache").path("namespace").asText()
              : null;
      case PORTKEY ->
          headers.containsKey("x-portkey-cache-force-refresh")
              ? null
              : headers.get("x-portkey-cache-namespace");
      case OPENAI -> null;
    };
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
