package com.catalogrender.results;

import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One row of the {@code renders} table: what was rendered, where, with what outcome, its measured
 * seconds and its cost per stage. Every input row of a run yields exactly one of these, ok or not;
 * the columns are described once in {@code tables.RendersTable}.
 *
 * @param identity which row of which run, from which inputs and model
 * @param placement where it ran
 * @param outcome status, error, stored image
 * @param width requested width in pixels
 * @param height requested height in pixels
 * @param seed the seed of its initial noise
 * @param caption the caption it was rendered from and this row's share of its tokens, or null when
 *     the row was not rendered
 * @param embeddingCacheHit whether its text embedding came from the cache (null: not rendered)
 * @param batchSize rows in its UNet batch (0: not rendered)
 * @param seconds measured seconds per stage (model stages: its share of its batch)
 * @param requests object store requests
 * @param costs EUR per stage
 * @param renderedAt when the row was finished
 */
public record RenderResult(
    Identity identity,
    Placement placement,
    Outcome outcome,
    Long width,
    Long height,
    Long seed,
    CaptionUse caption,
    Boolean embeddingCacheHit,
    int batchSize,
    StageValues seconds,
    long requests,
    StageValues costs,
    Timestamp renderedAt)
    implements Serializable {

  /** Which catalog row, in which run, from which inputs, with which model and variant. */
  public record Identity(
      String runId,
      String sku,
      String category,
      String inputHash,
      String modelId,
      String modelVersion,
      String variant,
      java.util.Map<String, String> fingerprint)
      implements Serializable {}

  /** The device and executor that rendered (or rejected) the row. */
  public record Placement(String device, String gpuAddress, String deviceClass, String executorId)
      implements Serializable {}

  /** Status, the reason when not ok, and the stored image when ok. */
  /**
   * What became of the row.
   *
   * @param adopted the image was uploaded by a run that crashed before recording it, and is
   *     recorded now instead of rendered again
   */
  public record Outcome(
      RenderStatus status, String error, String imageUri, long imageBytes, boolean adopted)
      implements Serializable {
    public static Outcome ok(String imageUri, long imageBytes) {
      return new Outcome(RenderStatus.OK, null, imageUri, imageBytes, false);
    }

    public static Outcome adopted(String imageUri, long imageBytes) {
      return new Outcome(RenderStatus.OK, null, imageUri, imageBytes, true);
    }

    public static Outcome notRendered(RenderStatus status, String reason) {
      return new Outcome(status, reason, null, 0, false);
    }
  }

  /** The caption a row was rendered from, and the row's share of the tokens it cost. */
  public record CaptionUse(
      String text, String source, String model, String reason, long tokensIn, long tokensOut)
      implements Serializable {
    /** A row's use of a planned caption: the caption, and this row's share of its tokens. */
    public static CaptionUse of(PlannedCaption caption) {
      return new CaptionUse(
          caption.text(),
          caption.source(),
          caption.model(),
          caption.reason(),
          caption.share(caption.tokensIn()),
          caption.share(caption.tokensOut()));
    }
  }

  /**
   * A row that was not rendered (failed, or skipped for budget): no image, and no cost but its
   * share of its caption ({@code caption} null when it had none): a caption's tokens are divided
   * over every row that shares it, so the rows add up to what the captions cost.
   */
  public static RenderResult notRendered(
      Identity identity,
      Placement placement,
      RenderStatus status,
      String reason,
      Long width,
      Long height,
      Long seed,
      PlannedCaption caption) {
    return new RenderResult(
        identity,
        placement,
        Outcome.notRendered(status, reason),
        width,
        height,
        seed,
        caption == null ? null : CaptionUse.of(caption),
        null,
        0,
        caption == null ? StageValues.ZERO : StageValues.of(Stage.CAPTION, caption.secondsShare()),
        0,
        caption == null ? StageValues.ZERO : StageValues.of(Stage.CAPTION, caption.apiEurShare()),
        new Timestamp(System.currentTimeMillis()));
  }
}
