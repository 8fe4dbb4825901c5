package com.catalogrender.task;

import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.catalog.ObjectKeys;
import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.cost.StageCosts;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.post.CutoutCompositor;
import com.catalogrender.post.ImageResizer;
import com.catalogrender.results.RenderResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes a rendered batch row by row: post-process (resize, sharpen, composite the cut-out,
 * encode) -> store -> cost -> result row. A batch's model and cache seconds are split over its rows
 * equally (all rows of a batch share native size and steps); the last row takes the rounding
 * remainder, so the rows add up to the batch exactly.
 */
final class BatchFinisher {
  private static final long REQUESTS_PER_IMAGE = 1;

  private final RenderSpec spec;
  private final TaskResources resources;

  BatchFinisher(RenderSpec spec, TaskResources resources) {
    this.spec = spec;
    this.resources = resources;
  }

  /** Which row of which run, from which inputs and model: the one place identities are made. */
  static RenderResult.Identity identity(RenderSpec spec, CatalogRow row, Variant variant) {
    return new RenderResult.Identity(
        spec.runId(),
        row.sku(),
        row.category(),
        row.inputHash(),
        spec.model().modelId(),
        spec.model().modelVersion(),
        variant == null ? null : variant.label(),
        spec.fingerprint()
            .row(
                row.prompt(),
                row.category(),
                row.width(),
                row.height(),
                row.seed(),
                row.plannedVariant(),
                row.cutoutContent()));
  }

  /** The results of {@code batch}, rendered as {@code rendered}; settles its budget reservation. */
  List<RenderResult> finish(
      Variant variant,
      List<AdmittedRow> batch,
      RenderBatch rendered,
      RowAdmission admission,
      BudgetGate budget,
      BudgetGate.Reservation reservation) {
    List<RenderResult> results = new ArrayList<>(batch.size());
    double spent = 0;
    double share = 1.0 / batch.size();
    for (int i = 0; i < batch.size(); i++) {
      double weight = i == batch.size() - 1 ? 1.0 - share * (batch.size() - 1) : share;
      RenderResult result;
      try {
        result = finish(batch.get(i), i, variant, batch.size(), rendered, weight);
      } catch (RowFailure e) {
        result = admission.failed(batch.get(i).row(), variant, e.getMessage());
      }
      spent += result.costs().total();
      results.add(result);
    }
    budget.settle(reservation, batch.size(), spent);
    return results;
  }

  /** Why one row of a rendered batch was not stored. */
  private static final class RowFailure extends Exception {
    RowFailure(String reason) {
      super(reason);
    }
  }

  private RenderResult finish(
      AdmittedRow admitted,
      int index,
      Variant variant,
      int batchSize,
      RenderBatch batch,
      double weight)
      throws RowFailure {
    CatalogRow row = admitted.row();
    long postStart = spec.ticker().nanoTime();
    byte[] bytes;
    try {
      BufferedImage sized =
          ImageResizer.resize(
              batch.image(index),
              row.width().intValue(),
              row.height().intValue(),
              spec.images().sharpen());
      if (admitted.cutout() != null) {
        sized = CutoutCompositor.composite(sized, admitted.cutout());
      }
      bytes = resources.encoder.encode(sized);
    } catch (IOException | RuntimeException e) {
      throw new RowFailure("post-processing failed: " + e.getMessage());
    }
    double postSeconds = spec.ticker().secondsSince(postStart);
    long ioStart = spec.ticker().nanoTime();
    URI uri;
    try {
      uri =
          resources.store.write(
              ObjectKeys.imageKey(row.sku(), row.inputHash(), spec.images().format().extension()),
              bytes,
              resources.attempt);
    } catch (IOException | RuntimeException e) {
      throw new RowFailure("upload failed: " + e.getMessage());
    }
    double ioSeconds = spec.ticker().secondsSince(ioStart);
    resources.imageWritten();
    PlannedCaption caption = admitted.caption();
    Map<Stage, Double> perStage = new EnumMap<>(Stage.class);
    batch
        .seconds()
        .asMap()
        .forEach((stage, batchSeconds) -> perStage.put(stage, batchSeconds * weight));
    perStage.put(Stage.CAPTION, caption.secondsShare());
    perStage.put(Stage.POST, postSeconds);
    perStage.put(Stage.IO, ioSeconds);
    StageValues seconds = StageValues.of(perStage);
    StageValues costs =
        StageCosts.of(
            new StageCosts.Usage(
                resources.assignment.device().cuda(),
                seconds,
                caption.apiEurShare(),
                REQUESTS_PER_IMAGE,
                bytes.length),
            spec.rates(),
            spec.store());
    return new RenderResult(
        identity(spec, row, variant),
        resources.placement(),
        RenderResult.Outcome.ok(uri.toString(), bytes.length),
        row.width(),
        row.height(),
        row.seed(),
        RenderResult.CaptionUse.of(caption),
        batch.embeddingCacheHits()[index],
        batchSize,
        seconds,
        REQUESTS_PER_IMAGE,
        costs,
        new Timestamp(System.currentTimeMillis()));
  }
}
