package com.catalogrender.measure;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One number per {@link Stage} (seconds, EUR, ...), immutable; a stage not set is 0. Arithmetic
 * returns new values, so a batch's seconds can be split over its rows and summed back.
 */
public final class StageValues implements Serializable {
  public static final StageValues ZERO = new StageValues(new EnumMap<>(Stage.class));

  private final EnumMap<Stage, Double> values;

  private StageValues(EnumMap<Stage, Double> values) {
    this.values = values;
  }

  /** Values for the given stages; every other stage is 0. */
  public static StageValues of(Map<Stage, Double> values) {
    EnumMap<Stage, Double> copy = new EnumMap<>(Stage.class);
    values.forEach(
        (stage, value) -> {
          if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(stage.label() + " must be finite, got " + value);
          }
          copy.put(stage, value);
        });
    return new StageValues(copy);
  }

  /** One stage's value. */
  public static StageValues of(Stage stage, double value) {
    return of(Map.of(stage, value));
  }

  public double get(Stage stage) {
    return values.getOrDefault(stage, 0.0);
  }

  /** The same values with {@code stage} set to {@code value}. */
  public StageValues with(Stage stage, double value) {
    EnumMap<Stage, Double> copy = new EnumMap<>(Stage.class);
    copy.putAll(values);
    copy.put(stage, value);
    return of(copy);
  }

  public StageValues plus(StageValues other) {
    EnumMap<Stage, Double> sum = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      sum.put(stage, get(stage) + other.get(stage));
    }
    return new StageValues(sum);
  }

  public StageValues times(double factor) {
    EnumMap<Stage, Double> scaled = new EnumMap<>(Stage.class);
    values.forEach((stage, value) -> scaled.put(stage, value * factor));
    return new StageValues(scaled);
  }

  /** The values of {@code stages} only. */
  public StageValues only(Set<Stage> stages) {
    EnumMap<Stage, Double> kept = new EnumMap<>(Stage.class);
    values.forEach(
        (stage, value) -> {
          if (stages.contains(stage)) {
            kept.put(stage, value);
          }
        });
    return new StageValues(kept);
  }

  public double total() {
    return values.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The sum over the model-device stages (text encoder, UNet, VAE). */
  public double modelDevice() {
    return only(Stage.MODEL).total();
  }

  public Map<Stage, Double> asMap() {
    return Collections.unmodifiableMap(values);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StageValues other)) {
      return false;
    }
    for (Stage stage : Stage.values()) {
      if (Double.compare(get(stage), other.get(stage)) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (Stage stage : Stage.values()) {
      hash = 31 * hash + Double.hashCode(get(stage));
    }
    return hash;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
