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
 * cost more than estimated, at most one batch per running task.
 */
public final class BudgetLedger implements AutoCloseable {
  private final double budgetEur;
  private final HttpServer server;
  private final String url;
  private double spent;
  private double outstanding;
  private long denied;

  private BudgetLedger(double budgetEur, String host) throws IOException {
    this.budgetEur = budgetEur;
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

  public synchronized double spent() {
    return spent;
  }

  public synchronized long deniedReservations() {
    return denied;
  }

  synchronized boolean tryReserve(double estimate) {
    if (spent + outstanding + estimate <= budgetEur) {
      outstanding += estimate;
      return true;
    }
    denied++;
    return false;
  }

  synchronized void settle(double reserved, double actual) {
    outstanding = Math.max(0, outstanding - reserved);
    spent += actual;
  }

  private void reserve(HttpExchange exchange) throws IOException {
    Map<String, Double> q = query(exchange);
    respond(exchange, tryReserve(q.getOrDefault("eur", Double.MAX_VALUE)) ? "granted" : "denied");
  }

  private void settle(HttpExchange exchange) throws IOException {
    Map<String, Double> q = query(exchange);
    settle(q.getOrDefault("reserved", 0.0), q.getOrDefault("spent", 0.0));
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
