package com.catalogrender.cost;

import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;

/**
 * The cost of one render per stage, in EUR, from measured seconds, tokens, requests and bytes:
 * device-seconds x that device's rate, API tokens x the price of the model that answered, object
 * store requests and bytes. Nothing amortised: the marginal cost of one more render. The caption
 * stage costs its tokens only; its seconds (driver time: waiting, retries) are a fixed cost.
 */
public final class StageCosts {
  private StageCosts() {}

  /**
   * Measured inputs of one row; {@code captionApiEur} is the row's share of what its caption's
   * gateway calls cost (priced on the driver by {@link Rates#captionEur}).
   *
   * @param gpu whether the model stages ran on a GPU (else the task's CPU cores)
   * @param seconds measured seconds per stage
   */
  public record Usage(
      boolean gpu, StageValues seconds, double captionApiEur, long requests, long bytesWritten) {}

  /** EUR per stage: model stages at the model device's rate, the others at the CPU's. */
  public static StageValues of(Usage u, Rates rates, String store) {
    double cpu = rates.taskEurPerSecond(false);
    double model = rates.taskEurPerSecond(u.gpu());
    StageValues seconds = u.seconds();
    java.util.EnumMap<Stage, Double> eur = new java.util.EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      eur.put(stage, seconds.get(stage) * (stage.onModelDevice() ? model : cpu));
    }
    // the caption is what its tokens cost: its seconds are the driver waiting for the gateway (or
    // templating), a fixed cost of the run, not compute this render used
    eur.put(Stage.CAPTION, u.captionApiEur());
    eur.merge(
        Stage.IO,
        u.requests() * rates.storeEurPerPut(store)
            + u.bytesWritten() * rates.storeEurPerByte(store),
        Double::sum);
    return StageValues.of(eur);
  }
}
