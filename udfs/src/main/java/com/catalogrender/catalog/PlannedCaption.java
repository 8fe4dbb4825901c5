package com.catalogrender.catalog;

/**
 * The caption the driver's caption phase chose for this row's (category, prompt), and this row's
 * share of what it cost: {@code rows} rows share one rewrite; this is the {@code rank}-th of them
 * (0-based), which decides who carries the remainder of indivisible tokens.
 */
public record PlannedCaption(
    String text,
    String source,
    String model,
    String reason,
    long rows,
    long rank,
    long tokensIn,
    long tokensOut,
    double apiEur,
    double seconds) {

  public double secondsShare() {
    return seconds / rows;
  }

  public double apiEurShare() {
    return apiEur / rows;
  }

  /** Integer tokens split over the rows; the sum over all rows is exactly {@code total}. */
  public long share(long total) {
    return total / rows + (rank < total % rows ? 1 : 0);
  }
}
