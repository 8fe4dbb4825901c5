package com.catalogrender.task;

import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.catalog.ObjectKeys;
import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.io.ImageStore;
import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.results.RenderResult;
import com.catalogrender.results.RenderStatus;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Decides whether a planned row can be rendered, before any model work: the row's checks, its
 * cut-out (read and checked for alpha), the variant the driver planned, and a template caption when
 * the driver planned none. A row that cannot be rendered becomes a failed result with the reason.
 */
final class RowAdmission {
  /** The admitted row, or the failed result that replaces it. */
  record Decision(AdmittedRow admitted, RenderResult rejected) {}

  private final RenderSpec spec;
  private final TaskResources resources;
  private final TemplateCaptionRewriter template = new TemplateCaptionRewriter();

  RowAdmission(RenderSpec spec, TaskResources resources) {
    this.spec = spec;
    this.resources = resources;
  }

  Decision admit(CatalogRow row) {
    Variant variant = row.plannedVariant() == null ? null : Variant.parse(row.plannedVariant());
    String reason = row.rejectReason(spec.images().maxSide());
    if (reason == null && variant == null) {
      reason = "the row has no planned variant; rows are planned by the render job's plan phase";
    }
    if (reason == null && variant == Variant.FP16 && !resources.assignment.device().cuda()) {
      reason =
          "the row was planned for fp16 on a GPU but its task runs on "
              + resources.assignment.device()
              + "; give executors GPUs (spark.executor.resource.gpu.amount) or plan without them";
    }
    if (reason == null && spec.adoptUploaded()) {
      RenderResult adopted = adopt(row, variant);
      if (adopted != null) {
        return new Decision(null, adopted);
      }
    }
    BufferedImage cutout = null;
    if (reason == null && row.sourceImage() != null && !row.sourceImage().isBlank()) {
      try {
        cutout = readCutout(row.sourceImage());
      } catch (IOException | RuntimeException e) {
        reason = e.getMessage();
      }
    }
    if (reason != null) {
      return new Decision(null, failed(row, variant, reason));
    }
    return new Decision(new AdmittedRow(row, variant, captionOf(row), cutout), null);
  }

  /**
   * The row's image as a crashed run uploaded it (under its deterministic key, at the row's size),
   * recorded instead of rendered: no device cost, only the lookup and the row's caption share. Null
   * when there is no such image.
   */
  private RenderResult adopt(CatalogRow row, Variant variant) {
    long start = spec.ticker().nanoTime();
    ImageStore.Stored stored;
    try {
      stored =
          resources.store.existing(
              ObjectKeys.imageKey(row.sku(), row.inputHash(), spec.images().format().extension()));
    } catch (IOException | RuntimeException e) {
      return null; // not adoptable: render it
    }
    if (stored == null
        || stored.width() != row.width().intValue()
        || stored.height() != row.height().intValue()) {
      return null;
    }
    double seconds = spec.ticker().secondsSince(start);
    PlannedCaption caption = captionOf(row);
    java.util.Map<Stage, Double> eur = new java.util.EnumMap<>(Stage.class);
    eur.put(Stage.CAPTION, caption.apiEurShare());
    eur.put(
        Stage.IO,
        seconds * spec.rates().taskEurPerSecond(false) + spec.rates().storeEurPerGet(spec.store()));
    return new RenderResult(
        BatchFinisher.identity(spec, row, variant),
        resources.placement(),
        RenderResult.Outcome.adopted(stored.uri().toString(), stored.bytes()),
        row.width(),
        row.height(),
        row.seed(),
        RenderResult.CaptionUse.of(caption),
        null,
        0,
        StageValues.of(java.util.Map.of(Stage.CAPTION, caption.secondsShare(), Stage.IO, seconds)),
        1,
        StageValues.of(eur),
        new java.sql.Timestamp(System.currentTimeMillis()));
  }

  /** The result of a row that failed with {@code reason}. */
  RenderResult failed(CatalogRow row, Variant variant, String reason) {
    return notRendered(row, variant, RenderStatus.FAILED, reason);
  }

  /** The result of a row that was not rendered. */
  RenderResult notRendered(CatalogRow row, Variant variant, RenderStatus status, String reason) {
    return RenderResult.notRendered(
        BatchFinisher.identity(spec, row, variant),
        resources.placement(),
        status,
        reason,
        row.width(),
        row.height(),
        row.seed(),
        row.caption());
  }

  /** The driver's planned caption, or (a row built outside a run) the template caption, here. */
  private PlannedCaption captionOf(CatalogRow row) {
    if (row.caption() != null) {
      return row.caption();
    }
    long start = spec.ticker().nanoTime();
    String text = template.caption(row.category(), row.prompt());
    return new PlannedCaption(
        text,
        TemplateCaptionRewriter.SOURCE,
        TemplateCaptionRewriter.SOURCE,
        null,
        1,
        0,
        0,
        0,
        0,
        spec.ticker().secondsSince(start));
  }

  private BufferedImage readCutout(String uri) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(resources.hadoop);
    BufferedImage image;
    try (InputStream in = fs.open(path)) {
      image = ImageIO.read(in);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException("source_image '" + uri + "' does not exist", e);
    }
    if (image == null) {
      throw new IOException(
          "source_image '" + uri + "' is not a readable image; give a PNG cut-out with alpha");
    }
    if (!image.getColorModel().hasAlpha()) {
      throw new IOException(
          "source_image '"
              + uri
              + "' has no alpha channel; a cut-out must be a PNG with transparency");
    }
    return image;
  }
}
