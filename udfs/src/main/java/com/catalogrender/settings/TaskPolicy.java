package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import java.io.Serializable;
import java.util.Map;

/**
 * How a task uses its device and its threads.
 *
 * @param gpuAddressesOnCpu run the models of a task that Spark gave a GPU on the CPU, still keyed
 *     by the GPU address (one model per executor and address, one semaphore per address): lets a
 *     machine without CUDA exercise GPU scheduling; never use it on a real GPU cluster
 * @param deviceConcurrentTasks at most this many tasks of an executor render on one GPU at a time
 *     (0 = no bound); CPU tasks are bounded by Spark's cores
 * @param postQueueBatches rendered batches a GPU task may queue for post-processing and upload on
 *     its own thread while the device renders the next (0 = post-process inline, no overlap); CPU
 *     tasks always post-process inline, as a second thread would take cores from the model
 */
public record TaskPolicy(boolean gpuAddressesOnCpu, int deviceConcurrentTasks, int postQueueBatches)
    implements Serializable {
  public static final TaskPolicy DEFAULT = new TaskPolicy(false, 1, 2);

  public static TaskPolicy parse(Map<String, String> s) {
    return new TaskPolicy(
        SettingValues.bool(s, "gpu_addresses_on_cpu", "false"),
        SettingValues.nonNegative(s, "device_concurrent_tasks", "1"),
        SettingValues.nonNegative(s, "post_queue_batches", "2"));
  }

  public TaskPolicy {
    if (deviceConcurrentTasks < 0 || postQueueBatches < 0) {
      throw new IllegalArgumentException(
          "device_concurrent_tasks and post_queue_batches must be >= 0");
    }
  }
}
