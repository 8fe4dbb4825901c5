package com.catalogrender.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BudgetLedgerTest {
  @Test
  void grantsOnlyWhatFitsAndSettlesActualSpending() throws Exception {
    try (BudgetLedger ledger = BudgetLedger.start(1.0, "127.0.0.1")) {
      BudgetClient a = new BudgetClient(ledger.url(), ledger.secret(), 1);
      BudgetClient b = new BudgetClient(ledger.url(), ledger.secret(), 1);
      // values exact in binary, so the boundary case is exact
      assertTrue(a.reserve(0.375));
      assertTrue(b.reserve(0.375));
      assertFalse(a.reserve(0.375), "0.75 outstanding + 0.375 > 1.0");
      a.settle(0.375, 0.5); // the batch cost more than estimated
      b.settle(0.375, 0.25);
      assertEquals(0.75, ledger.spent());
      assertTrue(a.reserve(0.25), "0.75 + 0.25 fits exactly");
      assertFalse(b.reserve(0.125));
      assertEquals(2, ledger.deniedReservations());
    }
  }

  @Test
  void anUnreachableLedgerDeniesAndABadBudgetIsRejected() {
    assertFalse(new BudgetClient("http://127.0.0.1:1", "s", 1).reserve(0.001));
    assertEquals(
        "--budget-eur must be positive, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> BudgetLedger.start(0, "127.0.0.1"))
            .getMessage());
  }

  @Test
  void onlyTheRunsOwnTasksMayReserveOrSettle() throws Exception {
    try (BudgetLedger ledger = BudgetLedger.start(1.0, "127.0.0.1")) {
      assertFalse(new BudgetClient(ledger.url(), "guess", 1).reserve(0.25), "a wrong secret");
      new BudgetClient(ledger.url(), "guess", 1).settle(0, 0.9); // would eat the budget
      java.net.HttpURLConnection bare =
          (java.net.HttpURLConnection)
              java.net
                  .URI
                  .create(ledger.url() + "/settle?reserved=0&spent=0.9")
                  .toURL()
                  .openConnection();
      bare.setRequestMethod("POST");
      assertEquals(403, bare.getResponseCode(), "no secret at all");
      assertEquals(3, ledger.refusedRequests());
      assertEquals(0.0, ledger.spent(), "refused calls change nothing");
      assertTrue(new BudgetClient(ledger.url(), ledger.secret(), 1).reserve(1.0));
      assertFalse(ledger.secret().isBlank());
    }
  }

  @Test
  void aDeadAttemptsReservationIsReleasedSoTheRunCanStillSpendIt() throws Exception {
    try (BudgetLedger ledger = BudgetLedger.start(1.0, "127.0.0.1")) {
      assertTrue(attempt(ledger, 7).reserve(0.5));
      BudgetClient alive = attempt(ledger, 8);
      assertTrue(alive.reserve(0.25));
      alive.settle(0.25, 0.25);
      assertFalse(alive.reserve(0.5), "attempt 7 still holds 0.5");
      assertEquals(0.5, ledger.release(7), "its executor was lost: it will never settle");
      assertEquals(0.0, ledger.release(7), "released once");
      assertEquals(0.0, ledger.release(8), "attempt 8 settled everything it reserved");
      assertTrue(alive.reserve(0.5), "0.25 spent + 0.5 fits now");
      assertEquals(0.5, ledger.releasedEur());
    }
  }

  /** The client of task attempt {@code id}, with the run's secret. */
  private static BudgetClient attempt(BudgetLedger ledger, long id) {
    return new BudgetClient(ledger.url(), ledger.secret(), id);
  }
}
