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
    return inRange(key, value, Integer::parseInt, min, max, "an integer");
  }

  public static double decimal(String key, String value, double min, double max) {
    return inRange(key, value, Double::parseDouble, min, max, "a number");
  }

  private static <T extends Comparable<T>> T inRange(
      String key,
      String value,
      java.util.function.Function<String, T> parse,
      T min,
      T max,
      String kind) {
    try {
      T parsed = parse.apply(value.trim());
      if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(
        key + " must be " + kind + " in [" + min + ", " + max + "], got '" + value + "'");
  }

  /** The trimmed value of a required key; the error names the key and its command-line flag. */
  public static String required(java.util.Map<String, String> s, String key) {
    String value = s.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "Render setting '" + key + "' is required (--" + key.replace('_', '-') + ")");
    }
    return value.trim();
  }

  /** The trimmed value, or null when absent or blank. */
  public static String optional(java.util.Map<String, String> s, String key) {
    String value = s.get(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public static int nonNegative(String key, String value) {
    try {
      return integer(key, value, 0, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be an integer >= 0, got '" + value + "'");
    }
  }

  /** {@link #bool(String, String)} of {@code key}'s value, or of {@code fallback} when absent. */
  public static boolean bool(java.util.Map<String, String> s, String key, String fallback) {
    return bool(key, s.getOrDefault(key, fallback));
  }

  /** {@link #integer(String, String, int, int)} of {@code key}'s value or {@code fallback}. */
  public static int integer(
      java.util.Map<String, String> s, String key, String fallback, int min, int max) {
    return integer(key, s.getOrDefault(key, fallback), min, max);
  }

  /**
   * {@link #decimal(String, String, double, double)} of {@code key}'s value or {@code fallback}.
   */
  public static double decimal(
      java.util.Map<String, String> s, String key, String fallback, double min, double max) {
    return decimal(key, s.getOrDefault(key, fallback), min, max);
  }

  /** {@link #nonNegative(String, String)} of {@code key}'s value or {@code fallback}. */
  public static int nonNegative(java.util.Map<String, String> s, String key, String fallback) {
    return nonNegative(key, s.getOrDefault(key, fallback));
  }
}
