package com.catalogrender.config;

import java.util.Locale;

/**
 * Parses one setting's text into a checked value; every error names the key, the bad value and what
 * is accepted. Shared by the render, gateway and cache settings.
 */
public final class SettingValues {
  private SettingValues() {}

  public static boolean bool(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
  }

  public static int integer(String key, String value, int min, int max) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(
        key + " must be an integer in [" + min + ", " + max + "], got '" + value + "'");
  }

  public static double decimal(String key, String value, double min, double max) {
    try {
      double parsed = Double.parseDouble(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(
        key + " must be a number in [" + min + ", " + max + "], got '" + value + "'");
  }
}
