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

  /** Measured inputs of one row. */
  public record Usage(
      boolean gpu,
      double secondsCaption,
      double secondsTextEncoder,
      double secondsUnet,
      double secondsVae,
      double secondsPost,
      double secondsIo,
      String captionModel,
      long tokensIn,
      long tokensOut,
      long requests,
      long bytesWritten) {}

  public static StageCosts of(Usage u, Rates rates, String store) {
    double cpu = rates.deviceEurPerSecond(rates.cpuDeviceClass()) * rates.cpuCoresPerTask();
    double model = u.gpu() ? rates.deviceEurPerSecond(rates.gpuDeviceClass()) : cpu;
    double api =
        u.captionModel() == null
            ? 0
            : u.tokensIn() * rates.llmEurPerToken(u.captionModel(), false)
                + u.tokensOut() * rates.llmEurPerToken(u.captionModel(), true);
    return new StageCosts(
        api + u.secondsCaption() * cpu,
        u.secondsTextEncoder() * model,
        u.secondsUnet() * model,
        u.secondsVae() * model,
        u.secondsPost() * cpu,
        u.secondsIo() * cpu
            + u.requests() * rates.storeEurPerPut(store)
            + u.bytesWritten() * rates.storeEurPerByte(store));
  }
}
