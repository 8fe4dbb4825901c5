package com.catalogrender.render;

import com.catalogrender.budget.BudgetLedger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Releases the budget reservations of task attempts that end without success (failed, killed, lost
 * with their executor): they will never settle, and their reservations would otherwise keep the
 * rest of the run from spending the budget.
 */
final class ReservationRelease extends SparkListener {
  private final BudgetLedger ledger;

  ReservationRelease(BudgetLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!end.taskInfo().successful()) {
      ledger.release(end.taskInfo().taskId());
    }
  }
}
