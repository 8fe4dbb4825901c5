package com.catalogrender.results;

/** What became of one catalog row in a run; {@link #label()} is the {@code status} column. */
public enum RenderStatus {
  /** Rendered and stored. */
  OK("ok"),
  /** Not rendered: the reason is in {@code error}. */
  FAILED("failed"),
  /** Left for a later run because the run's budget was spent before its batch started. */
  SKIPPED_BUDGET("skipped_budget");

  private final String label;

  RenderStatus(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
