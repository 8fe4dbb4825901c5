package com.catalogrender.diffusion;

import java.util.List;

/**
 * What a render task renders a batch with: the model ({@link DiffusionPredictor}) or, in a scale
 * run, a stand-in that takes the device's time without its work ({@link SimulatedRenderer}). One
 * per task; not thread-safe.
 */
public interface BatchRenderer extends AutoCloseable {
  /** Renders each request from the initial noise of its seed. */
  RenderBatch render(List<RenderRequest> requests, SamplingOptions options);

  @Override
  void close();
}
