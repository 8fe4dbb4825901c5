package com.catalogrender.budget;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of {@link BudgetLedger}. A ledger that cannot be reached denies: a budget is a
 * promise not to overspend, so an unreachable ledger stops new batches rather than ignoring it.
 */
public final class BudgetClient implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetClient.class);
  private final String url;
  private final String secret;
  private final long attempt;

  /**
   * @param secret the run's ledger secret ({@link BudgetLedger#secret()})
   * @param attempt the Spark task attempt id its reservations belong to (-1 outside Spark)
   */
  public BudgetClient(String url, String secret, long attempt) {
    this.url = url;
    this.secret = secret;
    this.attempt = attempt;
  }

  public boolean reserve(double estimateEur) {
    try {
      return call(String.format(Locale.ROOT, "/reserve?eur=%.12f&attempt=%d", estimateEur, attempt))
          .equals("granted");
    } catch (IOException e) {
      LOG.warn(
          "Budget ledger at {} unreachable; not starting new batches: {}", url, e.getMessage());
      return false;
    }
  }

  public void settle(double reservedEur, double spentEur) {
    try {
      call(
          String.format(
              Locale.ROOT,
              "/settle?reserved=%.12f&spent=%.12f&attempt=%d",
              reservedEur,
              spentEur,
              attempt));
    } catch (IOException e) {
      LOG.warn("Budget ledger at {} unreachable; could not record {} EUR spent", url, spentEur);
    }
  }

  private String call(String path) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(url + path).toURL().openConnection();
    connection.setRequestMethod("POST");
    connection.setRequestProperty(BudgetLedger.SECRET_HEADER, secret);
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(10000);
    try (InputStream in = connection.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      connection.disconnect();
    }
  }
}
