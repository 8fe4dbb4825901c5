package com.catalogrender.config;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Settings by key, remembering every key a parser asked for (present or not): after all parsers
 * have run, a key nobody asked for is a typo or an unknown setting. So the list of known keys is
 * the parsers themselves and cannot drift from them.
 */
public final class SettingsMap extends TreeMap<String, String> {
  private final Set<String> asked = Collections.synchronizedSet(new TreeSet<>());

  public SettingsMap(Map<String, String> settings) {
    super(settings);
  }

  @Override
  public String get(Object key) {
    asked.add(String.valueOf(key));
    return super.get(key);
  }

  @Override
  public String getOrDefault(Object key, String fallback) {
    asked.add(String.valueOf(key));
    return super.getOrDefault(key, fallback);
  }

  /** Every key a parser asked for, sorted. */
  public Set<String> asked() {
    return new TreeSet<>(asked);
  }

  /** The keys present that no parser asked for, sorted. */
  public Set<String> unasked() {
    Set<String> out = new TreeSet<>(keySet());
    out.removeAll(asked);
    return out;
  }
}
