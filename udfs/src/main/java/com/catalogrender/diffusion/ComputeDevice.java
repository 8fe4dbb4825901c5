package com.catalogrender.diffusion;

import ai.djl.Device;
import java.io.Serializable;
import java.util.Locale;

/**
 * Where a model runs: the CPU, or one CUDA device by index. A small serializable value, so an
 * executor can be told its device by Spark's resource scheduling and key its models by it.
 *
 * @param cuda true for a CUDA device
 * @param index CUDA device index; -1 for the CPU
 */
public record ComputeDevice(boolean cuda, int index) implements Serializable {
  public static final ComputeDevice CPU = new ComputeDevice(false, -1);

  public ComputeDevice {
    if (cuda && index < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
    }
    if (!cuda && index != -1) {
      throw new IllegalArgumentException("The CPU device has no index, got " + index);
    }
  }

  public static ComputeDevice cuda(int index) {
    return new ComputeDevice(true, index);
  }

  /** Parses {@code cpu}, {@code cuda:N} or {@code gpu:N}. */
  public static ComputeDevice parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("cpu")) {
      return CPU;
    }
    for (String prefix : new String[] {"cuda:", "gpu:"}) {
      if (value.startsWith(prefix)) {
        try {
          return cuda(Integer.parseInt(value.substring(prefix.length())));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown device: '" + text + "'. Use cpu or cuda:N (N = CUDA device index).");
  }

  public Device toDjl() {
    return cuda ? Device.gpu(index) : Device.cpu();
  }

  @Override
  public String toString() {
    return cuda ? "cuda:" + index : "cpu";
  }
}
