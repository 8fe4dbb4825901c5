package com.catalogrender.task;

import com.catalogrender.diffusion.ComputeDevice;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import scala.Option;

/**
 * The device a task renders on, from Spark's resource scheduling: the first GPU address Spark
 * assigned to the task ({@code spark.task.resource.gpu.amount}) is the CUDA index; no GPU resource
 * means the CPU.
 *
 * @param device where the models run
 * @param gpuAddress the address Spark assigned, or null
 */
public record DeviceAssignment(ComputeDevice device, String gpuAddress) {
  public static final String GPU_RESOURCE = "gpu";

  /** What models and the device semaphore are keyed by: the GPU address, or the CPU. */
  public String slot() {
    return gpuAddress == null ? device.toString() : "gpu:" + gpuAddress;
  }

  /** Whether Spark scheduled this task on a GPU (real, or mapped to the CPU). */
  public boolean scheduledOnGpu() {
    return gpuAddress != null;
  }

  public static DeviceAssignment fromTask(TaskContext task) {
    return fromTask(task, false);
  }

  /**
   * The task's device; with {@code gpuAddressesOnCpu} a GPU address runs on the CPU but keeps its
   * address (see {@link TaskPolicy#gpuAddressesOnCpu}).
   */
  public static DeviceAssignment fromTask(TaskContext task, boolean gpuAddressesOnCpu) {
    if (task == null) {
      return new DeviceAssignment(ComputeDevice.CPU, null);
    }
    Option<ResourceInformation> gpu = task.resources().get(GPU_RESOURCE);
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return new DeviceAssignment(ComputeDevice.CPU, null);
    }
    String address = gpu.get().addresses()[0];
    if (gpuAddressesOnCpu) {
      return new DeviceAssignment(ComputeDevice.CPU, address);
    }
    try {
      return new DeviceAssignment(ComputeDevice.cuda(Integer.parseInt(address.trim())), address);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "Spark assigned GPU address '"
              + address
              + "', which is not a CUDA device index; the GPU discovery script must print indexes"
              + " such as {\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}");
    }
  }
}
