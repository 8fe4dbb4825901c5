package com.catalogrender.jobs;

/** The process exit codes of every command (listed in the README). */
final class ExitCodes {
  /** The command did what it was asked. */
  static final int SUCCESS = 0;

  /** The command failed: a crash, an unreachable service, a job that Spark gave up on. */
  static final int FAILURE = 1;

  /** Bad arguments or settings; found before any SparkSession starts, nothing was done. */
  static final int USAGE = 2;

  /** {@code audit}: the quality verdict failed (its rows were written). */
  static final int AUDIT_FAILED = 3;

  /** {@code render}: the budget ran out with rows left (status skipped_budget) for a later run. */
  static final int BUDGET_EXHAUSTED = 4;

  private ExitCodes() {}
}
