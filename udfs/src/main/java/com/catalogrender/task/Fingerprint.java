package com.catalogrender.task;

import com.catalogrender.post.ImageResizer;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that changes the bytes of a rendered image, by name: the run's components (the model's
 * id, version and file hashes, sampler, steps, guidance, the caption rewriter with its model and
 * prompt-template version, image format and quality, resize method) and the row's (prompt,
 * category, size, seed, planned variant, sharpening where the image is enlarged, the cut-out's
 * content). The full-precision threshold and the CPU variant enter through the variant they plan
 * for each row, so changing them re-renders only the rows whose variant changes. The plan hashes
 * each row's into {@code input_hash}; the executors build it again for the row they render and
 * store it in {@code renders.fingerprint}, so a user can see why a row rendered again (a map per
 * row carried from the plan through the layout's shuffle made the rows several times larger). Made
 * on the driver by {@code OpenedRun}, part of the executors' spec. A component that cannot change a
 * row's bytes is left out for that row (quality for PNG, sharpening for images not enlarged), so
 * changing it re-renders only the rows it affects.
 *
 * @param run the run's components
 * @param nativeSize the model's native image side
 * @param sharpen the sharpening strength
 */
public record Fingerprint(Map<String, String> run, int nativeSize, double sharpen)
    implements Serializable {
  public static final String SAMPLER = "dpm++2m-karras";

  public Fingerprint {
    run = Map.copyOf(run);
  }

  /** The run's components and one row's. */
  public Map<String, String> row(
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
