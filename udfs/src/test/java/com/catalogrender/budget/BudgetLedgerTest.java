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
      BudgetClient a = new BudgetClient(ledger.url());
      BudgetClient b = new BudgetClient(ledger.url());
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
    assertFalse(new BudgetClient("http://127.0.0.1:1").reserve(0.001));
    assertEquals(
        "--budget-eur must be positive, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> BudgetLedger.start(0, "127.0.0.1"))
            .getMessage());
  }
}
