package com.catalogrender.runtime;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.measure.DeviceClock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Executor-wide models: each (model directory, variant, device, slot) is loaded once per JVM, on
 * first use, and handed to every task that runs there; tasks render through their own predictors.
 * DJL's Spark extension loads the model in every task; this registry is why we do not.
 *
 * <p>Loading runs inside {@link ConcurrentHashMap#computeIfAbsent}, so concurrent first callers for
 * one key wait for a single load instead of loading twice.
 */
public final class ModelRegistry {
  private static final ModelRegistry EXECUTOR_WIDE = new ModelRegistry(ModelRegistry::loadModel);

  private final Map<Key, DiffusionModel> models = new ConcurrentHashMap<>();
  private final Map<String, DeviceClock> clocks = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final Function<Key, DiffusionModel> loader;

  ModelRegistry(Function<Key, DiffusionModel> loader) {
    this.loader = loader;
  }

  /** The registry of this JVM (one per Spark executor). */
  public static ModelRegistry executorWide() {
    return EXECUTOR_WIDE;
  }

  /** The loaded model for this key, loading it if this JVM has not yet. */
  public DiffusionModel get(Path modelDirectory, Variant variant, ComputeDevice device) {
    return acquire(modelDirectory, variant, device).model();
  }

  /** Like {@link #get}, and says whether this call did the loading (for per-run load counts). */
  public Acquired acquire(Path modelDirectory, Variant variant, ComputeDevice device) {
    return acquire(modelDirectory, variant, device, device.toString());
  }

  /**
   * Like {@link #acquire(Path, Variant, ComputeDevice)}, keyed also by the slot the task was given
   * (its GPU address), so two tasks on the same GPU share one copy and tasks on different GPUs of
   * one executor each get theirs.
   */
  public Acquired acquire(Path modelDirectory, Variant variant, ComputeDevice device, String slot) {
    Key key = new Key(modelDirectory.toAbsolutePath().normalize(), variant, device, slot);
    double[] loadSeconds = {0};
    boolean[] loadedHere = {false};
    DiffusionModel model =
        models.computeIfAbsent(
            key,
            k -> {
              long start = System.nanoTime();
              DiffusionModel loaded = loader.apply(k);
              loadSeconds[0] = (System.nanoTime() - start) / 1e9;
              loads.incrementAndGet();
              loadedHere[0] = true;
              return loaded;
            });
    return new Acquired(model, loadedHere[0], loadSeconds[0]);
  }

  /**
   * A model from the registry, whether the call that returned it loaded it, and how long that took
   * (a fixed cost of the run, not of any row).
   */
  public record Acquired(DiffusionModel model, boolean loadedNow, double loadSeconds) {}

  /**
   * The busy clock of a device slot of this JVM (a GPU address, or the CPU): every model on the
   * slot times its device work on it, whichever task or run uses it.
   */
  public DeviceClock clock(String slot) {
    return clocks.computeIfAbsent(slot, DeviceClock::new);
  }

  /** How many models this JVM has loaded since it started (or since {@link #closeAll}). */
  public int loads() {
    return loads.get();
  }

  /** Closes and forgets every model; for tests and for shutting an executor down. */
  public synchronized void closeAll() {
    models.values().forEach(DiffusionModel::close);
    models.clear();
    loads.set(0);
  }

  private static DiffusionModel loadModel(Key key) {
    return DiffusionModel.load(ModelDirectory.open(key.directory()), key.variant(), key.device());
  }

  record Key(Path directory, Variant variant, ComputeDevice device, String slot) {}
}
