package com.catalogrender.diffusion;

import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.measure.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The model of a scale run ({@code simulate_device_seconds}): each batch holds the device for a
 * fixed time, on the device's busy clock as the UNet stage, and yields small flat images (one
 * colour per caption and seed), so planning, captions, batching, post-processing, uploads, commits
 * and costs run at catalog scale on a machine that could never render that many images. The run's
 * model version carries {@link ModelManifest#SIMULATED_SUFFIX}: its rows never count as the model's
 * renders, history or calibration.
 */
public final class SimulatedRenderer implements BatchRenderer {
  /** The side of a simulated image, in pixels. */
  public static final int IMAGE_SIZE = 8;

  private final double secondsPerBatch;
  private final Ticker ticker;
  private final DeviceClock clock;

  public SimulatedRenderer(double secondsPerBatch, Ticker ticker, DeviceClock clock) {
    if (!(secondsPerBatch > 0)) {
      throw new IllegalArgumentException(
          "simulated device seconds per batch must be positive, got " + secondsPerBatch);
    }
    this.secondsPerBatch = secondsPerBatch;
    this.ticker = ticker;
    this.clock = clock;
  }

  @Override
  public RenderBatch render(List<RenderRequest> requests, SamplingOptions options) {
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("A batch needs at least one caption");
    }
    DeviceClock.Span busy = clock.busy(ticker);
    try {
      TimeUnit.NANOSECONDS.sleep((long) (secondsPerBatch * 1e9));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating a batch", e);
    }
    double seconds = busy.end();
    int plane = IMAGE_SIZE * IMAGE_SIZE;
    float[] pixels = new float[requests.size() * 3 * plane];
    for (int i = 0; i < requests.size(); i++) {
      int colour = colour(requests.get(i));
      for (int channel = 0; channel < 3; channel++) {
        float value = ((colour >> (8 * (2 - channel))) & 0xff) / 127.5f - 1f;
        int offset = (i * 3 + channel) * plane;
        Arrays.fill(pixels, offset, offset + plane, value);
      }
    }
    return new RenderBatch(
        pixels,
        IMAGE_SIZE,
        new float[0],
        StageValues.of(
            Map.of(Stage.CACHE, 0.0, Stage.TEXT_ENCODER, 0.0, Stage.UNET, seconds, Stage.VAE, 0.0)),
        new boolean[requests.size()],
        0);
  }

  /** A colour of the caption and seed: the same request, the same image. */
  static int colour(RenderRequest request) {
    CRC32 crc = new CRC32();
    crc.update(request.caption().getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() ^ request.seed()) & 0xffffff;
  }

  @Override
  public void close() {}
}
