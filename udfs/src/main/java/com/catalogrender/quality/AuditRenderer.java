package com.catalogrender.quality;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.io.ImageStore;
import com.catalogrender.post.ImageEncoder;
import com.catalogrender.post.ImageFormat;
import com.catalogrender.results.AuditRecord;
import com.catalogrender.runtime.ExecutorHadoop;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.runtime.ModelRegistry;
import com.catalogrender.tables.AuditsTable;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Renders a partition of audit prompts with every variant from the same seed (so the same initial
 * noise), scores each image with the CLIP-style model (prompt similarity, zero-shot category,
 * colour and background), measures its drift from the reference variant's image (PSNR, SSIM), and
 * stores the images under {@code <image root>/<audit id>/<variant>/}.
 */
public final class AuditRenderer implements MapPartitionsFunction<Row, Row> {
  private static final Map<String, ClipScorer> SCORERS = new ConcurrentHashMap<>();
  private static final int BATCH = 8;
  private static final PixelAttributeCheck PIXELS = new PixelAttributeCheck();

  /** What executors need; the first variant is the reference. */
  public record Spec(
      String auditId,
      String modelDirectory,
      String modelId,
      String modelVersion,
      List<Variant> variants,
      String imageRoot,
      int steps,
      double guidance,
      String scorerDirectory)
      implements Serializable {}

  private final Spec spec;

  public AuditRenderer(Spec spec) {
    this.spec = spec;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    Configuration hadoop = ExecutorHadoop.get();
    // a remote model is fetched once per executor; the files are verified when the scorer and the
    // models load (once per JVM)
    Path directory =
        ModelCache.resolve(spec.modelDirectory(), ModelCache.defaultRoot(), hadoop).directory();
    ModelManifest manifest = ModelManifest.read(directory);
    // the CLIP-style scorer: the one given (--scorer), else the model's own (the demo ships one);
    // a model audited without one is audited for drift between its variants (PSNR, SSIM) only
    Path scorerDirectory =
        spec.scorerDirectory() != null
            ? ModelCache.resolve(spec.scorerDirectory(), ModelCache.defaultRoot(), hadoop)
                .directory()
            : manifest.files().containsKey(ClipScorer.IMAGE_FILE) ? directory : null;
    ClipScorer scorer =
        scorerDirectory == null
            ? null
            : SCORERS.computeIfAbsent(
                scorerDirectory.toString(), d -> ClipScorer.load(ModelDirectory.open(Path.of(d))));
    ImageStore store = new ImageStore(spec.imageRoot(), hadoop);
    ImageEncoder png = new ImageEncoder(ImageFormat.PNG, 1.0);
    List<Row> out = new ArrayList<>();
    List<AuditPrompt> batch = new ArrayList<>();
    while (input.hasNext()) {
      Row r = input.next();
      batch.add(
          new AuditPrompt(
              r.getString(0),
              r.getString(1),
              r.getString(2),
              r.getString(3),
              r.getString(4),
              r.getLong(5),
              r.getString(6)));
      if (batch.size() == BATCH || !input.hasNext()) {
        out.addAll(renderBatch(batch, directory, manifest, scorer, store, png));
        batch.clear();
      }
    }
    return out.iterator();
  }

  private List<Row> renderBatch(
      List<AuditPrompt> prompts,
      Path directory,
      ModelManifest manifest,
      ClipScorer scorer,
      ImageStore store,
      ImageEncoder png)
      throws IOException {
    List<String> captions = new ArrayList<>();
    List<RenderRequest> requests = new ArrayList<>();
    for (AuditPrompt p : prompts) {
      String caption = p.caption() != null ? p.caption() : manifest.caption(p.attributes());
      captions.add(caption);
      requests.add(new RenderRequest(caption, p.seed()));
    }
    SamplingOptions options = new SamplingOptions(spec.steps(), spec.guidance());
    Map<Variant, List<BufferedImage>> images = new LinkedHashMap<>();
    for (Variant variant : spec.variants()) {
      DiffusionModel model =
          ModelRegistry.executorWide().get(directory, variant, ComputeDevice.CPU);
      try (DiffusionPredictor predictor = model.newPredictor()) {
        images.put(variant, predictor.render(requests, options).images());
      }
    }
    Variant reference = spec.variants().get(0);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    for (Variant variant : spec.variants()) {
      List<BufferedImage> pictures = images.get(variant);
      double[] similarity = scorer == null ? null : scorer.similarity(pictures, captions);
      for (int i = 0; i < prompts.size(); i++) {
        AuditPrompt p = prompts.get(i);
        AuditRecord.Attributes attributes = null;
        if (p.caption() == null && scorer != null) {
          Map<String, String> seen = scorer.recognise(pictures.get(i), p.attributes());
          PixelAttributeCheck.Seen pixels = PIXELS.look(pictures.get(i), p.background());
          attributes =
              new AuditRecord.Attributes(
                  p.colour(),
                  p.background(),
                  p.lighting(),
                  p.category().equals(seen.get("category")),
                  p.colour().equals(seen.get("colour")),
                  p.background().equals(seen.get("background")),
                  pixels.colour(),
                  pixels.background());
        }
        boolean isReference = variant == reference;
        BufferedImage ref = images.get(reference).get(i);
        String key = variant.label() + "-" + p.promptId() + ".png";
        String uri;
        try {
          uri = store.write(key, png.encode(pictures.get(i)), spec.auditId()).toString();
        } catch (IOException e) {
          throw new UncheckedIOException("Could not store audit image " + key, e);
        }
        double psnr = ImageDrift.psnr(pictures.get(i), ref);
        rows.add(
            AuditsTable.DESCRIPTION.row(
                new AuditRecord(
                    spec.auditId(),
                    "prompts",
                    null,
                    spec.modelId(),
                    spec.modelVersion(),
                    p.promptId(),
                    p.category(),
                    attributes,
                    captions.get(i),
                    p.seed(),
                    variant.label(),
                    similarity == null ? null : similarity[i],
                    new AuditRecord.Reference(
                        reference.label(),
                        isReference ? null : (Double.isInfinite(psnr) ? 99.0 : psnr),
                        isReference ? null : ImageDrift.ssim(pictures.get(i), ref)),
                    uri,
                    now)));
      }
    }
    return rows;
  }
}
