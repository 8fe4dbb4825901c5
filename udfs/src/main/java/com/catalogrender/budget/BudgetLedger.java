package com.catalogrender.budget;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The run's budget, kept on the driver and served over HTTP so executors in other JVMs share it.
 * Before a batch a task reserves its estimate; the ledger grants it only if spent + outstanding
 * reservations + the estimate fit the budget. After the batch the task settles: the reservation is
 * released and the actual cost added. So spending overshoots the budget only by how much batches
 * cost more than estimated, at most one batch per running task. Only the run's own tasks may call
 * it: every request must carry the run's secret (made here, shipped to executors in the task spec),
 * anything else is refused with HTTP 403.
 */
public final class BudgetLedger implements AutoCloseable {
  private final double budgetEur;
  private final HttpServer server;
  private final String url;
  private final String secret;
  private long refused;
  private double spent;
  private double outstanding;
  private double released;
  private final Map<Long, Double> outstandingByAttempt = new HashMap<>();
  private long denied;

  private BudgetLedger(double budgetEur, String host) throws IOException {
    this.budgetEur = budgetEur;
    byte[] random = new byte[24];
    new java.security.SecureRandom().nextBytes(random);
    this.secret = java.util.HexFormat.of().formatHex(random);
    this.server = HttpServer.create(new InetSocketAddress(host, 0), 0);
    server.createContext("/reserve", this::reserve);
    server.createContext("/settle", this::settle);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "budget-ledger");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    this.url = "http://" + host + ":" + server.getAddress().getPort();
  }

  /** Starts the ledger on the driver host (the address executors reach the driver at). */
  public static BudgetLedger start(double budgetEur, String host) throws IOException {
    if (!(budgetEur > 0)) {
      throw new IllegalArgumentException("--budget-eur must be positive, got " + budgetEur);
    }
    return new BudgetLedger(budgetEur, host);
  }

  public String url() {
    return url;
  }

  /** The run's secret: the header {@value #SECRET_HEADER} of every request must carry it. */
  public String secret() {
    return secret;
  }

  /** The header a request proves it comes from the run with. */
  public static final String SECRET_HEADER = "X-Catalog-Render-Ledger-Secret";

  /** Requests refused for a missing or wrong secret. */
  public synchronized long refusedRequests() {
    return refused;
  }

  /** Whether {@code exchange} carries the run's secret; answers 403 when not. */
  private boolean authorised(HttpExchange exchange) throws IOException {
    String given = exchange.getRequestHeaders().getFirst(SECRET_HEADER);
    if (given != null
        && java.security.MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    synchronized (this) {
      refused++;
    }
    exchange.sendResponseHeaders(403, -1);
    exchange.close();
    return false;
  }

  public synchronized double spent() {
    return spent;
  }

  public synchronized long deniedReservations() {
    return denied;
  }

  synchronized boolean tryReserve(double estimate, long attempt) {
    if (spent + outstanding + estimate <= budgetEur) {
      outstanding += estimate;
      outstandingByAttempt.merge(attempt, estimate, Double::sum);
      return true;
    }
    denied++;
    return false;
  }

  synchronized void settle(double reserved, double actual, long attempt) {
    outstanding = Math.max(0, outstanding - reserved);
    Double left = outstandingByAttempt.computeIfPresent(attempt, (a, r) -> r - reserved);
    if (left != null && left <= 1e-15) {
      outstandingByAttempt.remove(attempt);
    }
    spent += actual;
  }

  /**
   * Spends a fixed cost of the run on the driver as it accrues (the driver's time so far), so
   * batches are granted only what is left after it.
   */
  public synchronized void chargeFixed(double eur) {
    spent += Math.max(0, eur);
  }

  /**
   * Releases what task attempt {@code attempt} still holds reserved: it failed, was killed or lost
   * its executor, so it will never settle. Returns the EUR released.
   */
  public synchronized double release(long attempt) {
    Double left = outstandingByAttempt.remove(attempt);
    if (left == null || left <= 0) {
      return 0;
    }
    outstanding = Math.max(0, outstanding - left);
    released += left;
    return left;
  }

  /** EUR of reservations released because their attempts died. */
  public synchronized double releasedEur() {
    return released;
  }

  private void reserve(HttpExchange exchange) throws IOException {
    if (!authorised(exchange)) {
      return;
    }
    Map<String, Double> q = query(exchange);
    boolean granted =
        tryReserve(
            q.getOrDefault("eur", Double.MAX_VALUE), q.getOrDefault("attempt", -1.0).longValue());
    respond(exchange, granted ? "granted" : "denied");
  }

  private void settle(HttpExchange exchange) throws IOException {
    if (!authorised(exchange)) {
      return;
    }
    Map<String, Double> q = query(exchange);
    settle(
        q.getOrDefault("reserved", 0.0),
        q.getOrDefault("spent", 0.0),
        q.getOrDefault("attempt", -1.0).longValue());
    respond(exchange, "ok");
  }

  private static Map<String, Double> query(HttpExchange exchange) {
    Map<String, Double> out = new HashMap<>();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          try {
            out.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
          } catch (NumberFormatException e) {
            // ignored: a missing value takes the safe default
          }
        }
      }
    }
    return out;
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
