package com.catalogrender.cost;

/**
 * The cost of one render per stage, in EUR, from measured seconds, tokens, requests and bytes:
 * device-seconds x that device's rate, API tokens x the price of the model that answered, object
 * store requests and bytes. Nothing amortised: the marginal cost of one more render.
 */
public record StageCosts(
    double caption, double textEncoder, double unet, double vae, double post, double io) {

  public double total() {
    return caption + textEncoder + unet + vae + post + io;
  }

  /**
   * Measured inputs of one row; {@code captionApiEur} is the row's share of what its caption's
   * gateway calls cost (priced on the driver by {@link Rates#captionEur}).
   */
  public record Usage(
      boolean gpu,
      double secondsCaption,
      double secondsTextEncoder,
      double secondsUnet,
      double secondsVae,
      double secondsPost,
      double secondsIo,
      double captionApiEur,
      long requests,
      long bytesWritten) {}

  public static StageCosts of(Usage u, Rates rates, String store) {
    double cpu = rates.deviceEurPerSecond(rates.cpuDeviceClass()) * rates.cpuCoresPerTask();
    double model = u.gpu() ? rates.deviceEurPerSecond(rates.gpuDeviceClass()) : cpu;
    return new StageCosts(
        u.captionApiEur() + u.secondsCaption() * cpu,
        u.secondsTextEncoder() * model,
        u.secondsUnet() * model,
        u.secondsVae() * model,
        u.secondsPost() * cpu,
        u.secondsIo() * cpu
            + u.requests() * rates.storeEurPerPut(store)
            + u.bytesWritten() * rates.storeEurPerByte(store));
  }
}
