package com.catalogrender.task;

import com.catalogrender.budget.BudgetClient;

/**
 * Asks the run's budget ledger before a batch starts and settles what the batch really cost. A
 * batch reserves rows x the last costed batch's EUR per row (the driver's estimate before the
 * task's first batch); once a reservation is refused, no later batch of the task starts.
 */
final class BudgetGate {
  static final String SPENT =
      "the run's budget was spent before this batch started; a later run renders it";

  /** What a started batch reserved (0 without a budget). */
  record Reservation(double eur) {}

  private final BudgetClient ledger;
  private final double estimatedEurPerRow;
  private boolean spent;
  private volatile double lastBatchEurPerRow;

  BudgetGate(RenderSpec spec) {
    this.ledger =
        spec.budget() == null
            ? null
            : new BudgetClient(
                spec.budget().ledgerUrl(),
                spec.budget().ledgerSecret(),
                org.apache.spark.TaskContext.get() == null
                    ? -1
                    : org.apache.spark.TaskContext.get().taskAttemptId());
    this.estimatedEurPerRow = spec.budget() == null ? 0 : spec.budget().estimatedEurPerRow();
  }

  /** Reserves a batch of {@code rows}; null when the budget refuses it. */
  Reservation reserve(int rows) {
    if (ledger == null) {
      return new Reservation(0);
    }
    if (!spent) {
      double eur = rows * (lastBatchEurPerRow > 0 ? lastBatchEurPerRow : estimatedEurPerRow);
      if (ledger.reserve(eur)) {
        return new Reservation(eur);
      }
      spent = true;
    }
    return null;
  }

  /**
   * Spends a fixed cost as it accrues (a model load), so the budget covers it: later batches are
   * granted only what is left.
   */
  void chargeFixed(double eur) {
    if (ledger != null && eur > 0) {
      ledger.settle(0, eur);
    }
  }

  /** Replaces a batch's reservation with what its {@code rows} rows cost ({@code eur}). */
  void settle(Reservation reservation, int rows, double eur) {
    if (ledger == null) {
      return;
    }
    ledger.settle(reservation.eur(), eur);
    if (rows > 0) {
      lastBatchEurPerRow = eur / rows;
    }
  }
}
