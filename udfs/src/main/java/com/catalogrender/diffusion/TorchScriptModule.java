package com.catalogrender.diffusion;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.Map;

/**
 * One TorchScript module of a model directory, loaded on one device through DJL's PyTorch engine.
 * Thread-safe for inference: TorchScript modules can be called from several threads at once; each
 * caller passes inputs from its own NDManager, and the outputs are attached to that manager.
 */
public final class TorchScriptModule implements AutoCloseable {
  private final String name;
  private final Model model;

  private TorchScriptModule(String name, Model model) {
    this.name = name;
    this.model = model;
  }

  public static TorchScriptModule load(
      ModelDirectory directory, String name, ComputeDevice device) {
    directory.module(name); // fails with a clear message when the manifest does not list it
    LibTorchVersion.check(); // before DJL loads a libtorch that would crash the JVM
    Model model = Model.newInstance(name, device.toDjl(), "PyTorch");
    try {
      model.load(directory.root(), name, Map.of("mapLocation", "true"));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelArtifactException(
          "Cannot load TorchScript module '"
              + name
              + "' from "
              + directory.root()
              + " on "
              + device
              + ": "
              + e.getMessage(),
          e);
    }
    return new TorchScriptModule(name, model);
  }

  public NDList forward(NDList inputs) {
    ParameterStore store = new ParameterStore(inputs.head().getManager(), false);
    return model.getBlock().forward(store, inputs, false);
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    model.close();
  }
}
