package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import java.util.Map;

/**
 * The run's budget: once this much is spent, no further batch starts (0 = no budget).
 *
 * @param eur the budget in EUR
 */
public record BudgetSettings(double eur) {

  public static BudgetSettings parse(Map<String, String> s) {
    return new BudgetSettings(SettingValues.decimal(s, "budget_eur", "0", 0, 1e9));
  }

  public boolean limited() {
    return eur > 0;
  }
}
