package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import com.catalogrender.measure.Ticker;
import java.io.Serializable;
import java.util.Map;

/**
 * Settings only tests use.
 *
 * @param fixedClockStepSeconds measure stages with a clock that advances this much per reading (0 =
 *     the real clock), so costs are known exactly without sleeping
 * @param failFirstAttemptAfterRows the first attempt of partition 0 fails after writing this many
 *     images (0 = never), to prove that retries leave one object per row
 */
public record TestingHooks(double fixedClockStepSeconds, int failFirstAttemptAfterRows)
    implements Serializable {
  public static final TestingHooks NONE = new TestingHooks(0, 0);

  public static TestingHooks parse(Map<String, String> s) {
    return new TestingHooks(
        SettingValues.decimal(s, "testing_fixed_clock_step_seconds", "0", 0, 3600),
        SettingValues.nonNegative(s, "testing_fail_first_attempt_after_rows", "0"));
  }

  /** The clock stage seconds are measured with. */
  public Ticker ticker() {
    return fixedClockStepSeconds > 0 ? Ticker.fixedStep(fixedClockStepSeconds) : Ticker.system();
  }
}
