package com.catalogrender.measure;

import java.util.Locale;
import java.util.Set;

/**
 * The stages of one render, in pipeline order: the one vocabulary that seconds, costs, table
 * columns ({@code seconds_<stage>}, {@code cost_<stage>_eur}) and the cost views are written in.
 */
public enum Stage {
  CAPTION(false),
  /** Text-embedding cache round trips (Redis MGET and SETEX): CPU and network, not the device. */
  CACHE(false),
  TEXT_ENCODER(true),
  UNET(true),
  VAE(true),
  POST(false),
  IO(false);

  /** The stages that run on the model's device (a GPU when Spark gave the task one). */
  public static final Set<Stage> MODEL = Set.of(TEXT_ENCODER, UNET, VAE);

  /**
   * The stages a render's executor spends time on: all but the caption, which is the driver's time
   * (waiting for the gateway, templating), a fixed cost of the run.
   */
  public static final Set<Stage> EXECUTOR =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.complementOf(java.util.EnumSet.of(CAPTION)));

  private final boolean model;

  Stage(boolean model) {
    this.model = model;
  }

  /** Whether the stage runs on the model's device. */
  public boolean onModelDevice() {
    return model;
  }

  /** The stage's name in table columns and views: {@code text_encoder}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
