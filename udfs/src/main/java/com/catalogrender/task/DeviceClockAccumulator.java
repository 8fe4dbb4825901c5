package com.catalogrender.task;

import com.catalogrender.measure.DeviceClock;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The run's device busy clocks, gathered from executors: per device (executor id and device slot),
 * the busy and held seconds its clock reported. Like every accumulator it loses what failed
 * attempts reported; that time is waste, which Spark's listener measures.
 */
public final class DeviceClockAccumulator
    extends AccumulatorV2<DeviceClock.Reading, Map<String, DeviceClock.Reading>> {
  private final TreeMap<String, DeviceClock.Reading> byDevice = new TreeMap<>();

  @Override
  public synchronized boolean isZero() {
    return byDevice.isEmpty();
  }

  @Override
  public synchronized DeviceClockAccumulator copy() {
    DeviceClockAccumulator copy = new DeviceClockAccumulator();
    copy.byDevice.putAll(byDevice);
    return copy;
  }

  @Override
  public synchronized void reset() {
    byDevice.clear();
  }

  @Override
  public synchronized void add(DeviceClock.Reading reading) {
    byDevice.merge(reading.device(), reading, DeviceClock.Reading::plus);
  }

  @Override
  public void merge(AccumulatorV2<DeviceClock.Reading, Map<String, DeviceClock.Reading>> other) {
    for (DeviceClock.Reading reading : other.value().values()) {
      add(reading);
    }
  }

  @Override
  public synchronized Map<String, DeviceClock.Reading> value() {
    return Collections.unmodifiableMap(new TreeMap<>(byDevice));
  }

  /** Busy seconds of every device, summed. */
  public double busySeconds() {
    return value().values().stream().mapToDouble(DeviceClock.Reading::busySeconds).sum();
  }
}
