package com.catalogrender.render;

import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.GatewayCaptionRewriter;
import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.catalog.InputHash;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.post.ImageFormat;
import com.catalogrender.post.ImageResizer;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that changes the bytes of a rendered image, by name, computed once per row on the
 * driver's plan: the run's components (the model's id, version and file hashes, sampler, steps,
 * guidance, the caption rewriter with its model and prompt-template version, image format and
 * quality, resize method) and the row's (prompt, category, size, seed, planned variant, sharpening
 * where the image is enlarged, the cut-out's content). The full-precision threshold and the CPU
 * variant enter through the variant they plan for each row, so changing them re-renders only the
 * rows whose variant changes. Stored in {@code renders.fingerprint} so a user can see why a row
 * rendered again; hashed into {@code input_hash}. A component that cannot change a row's bytes is
 * left out for that row (quality for PNG, sharpening for images not enlarged), so changing it
 * re-renders only the rows it affects.
 *
 * @param run the run's components
 * @param nativeSize the model's native image side
 * @param sharpen the sharpening strength
 */
record Fingerprint(Map<String, String> run, int nativeSize, double sharpen)
    implements Serializable {
  static final String SAMPLER = "dpm++2m-karras";

  Fingerprint {
    run = Map.copyOf(run);
  }

  static Fingerprint of(RenderConfig config, ModelManifest manifest) {
    Map<String, String> run = new TreeMap<>();
    run.put("model_id", manifest.modelId());
    run.put("model_version", manifest.version());
    run.put("model_files", InputHash.of(manifest.files()));
    run.put("sampler", SAMPLER);
    run.put("steps", Integer.toString(config.model().steps()));
    run.put("guidance", Double.toString(config.model().guidance()));
    CaptionSettings captions = config.captions();
    run.put("caption_rewriter", captions.rewriter());
    run.put("caption_model", captions.pricedModel());
    run.put(
        "caption_template",
        captions.usesGateway()
            ? GatewayCaptionRewriter.promptVersion()
            : TemplateCaptionRewriter.VERSION);
    if (captions.usesGateway()) {
      run.put("caption_required_words", captions.gateway().requirePromptWords().setting());
    }
    ImageFormat format = config.images().format();
    run.put("image_format", format.extension());
    if (format != ImageFormat.PNG) {
      run.put("image_quality", Double.toString(config.images().quality()));
    }
    run.put("resize", ImageResizer.METHOD);
    return new Fingerprint(run, manifest.imageSize(), config.images().sharpen());
  }

  /** The run's components and one row's. */
  Map<String, String> row(
      String prompt,
      String category,
      Long width,
      Long height,
      Long seed,
      String variant,
      String cutoutContent) {
    Map<String, String> all = new TreeMap<>(run);
    all.put("prompt", prompt);
    all.put("category", category);
    all.put("width", width == null ? null : Long.toString(width));
    all.put("height", height == null ? null : Long.toString(height));
    all.put("seed", seed == null ? null : Long.toString(seed));
    all.put("variant", variant);
    if (width != null && height != null && ImageResizer.enlarges(nativeSize, width, height)) {
      all.put("sharpen", Double.toString(sharpen));
    }
    if (cutoutContent != null) {
      all.put("cutout_content", cutoutContent);
    }
    return all;
  }
}
