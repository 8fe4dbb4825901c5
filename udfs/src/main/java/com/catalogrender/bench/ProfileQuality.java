package com.catalogrender.bench;

import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.quality.AuditSummary;
import com.catalogrender.quality.ClipScorer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The audit a cost profile must pass: the model's held-out prompts x seeds rendered with a
 * profile's sampler settings (same prompts, same seeds for every profile) and scored by the model's
 * own scorer, so two profiles' prompt-image similarity can be compared image by image.
 */
public final class ProfileQuality {
  /** Seeds per held-out prompt. */
  public static final int SEEDS = 4;

  private ProfileQuality() {}

  /** Whether {@code directory}'s model can be audited here: held-out prompts and a scorer. */
  public static boolean available(ModelDirectory directory) {
    return !directory.manifest().heldOutPrompts().isEmpty()
        && directory.manifest().files().containsKey(ClipScorer.IMAGE_FILE);
  }

  /**
   * The held-out images of one profile: each prompt of the model's held-out set at each of {@link
   * #SEEDS} seeds (prompt-major within seed), with the prompt and caption each was rendered from.
   */
  public record HeldOut(
      List<Map<String, String>> prompts, List<String> captions, List<BufferedImage> images) {}

  /** Renders the held-out prompts x seeds with {@code options}, 8 images per batch. */
  public static HeldOut render(
      ModelDirectory directory, DiffusionModel model, SamplingOptions options) {
    List<Map<String, String>> heldOut = directory.manifest().heldOutPrompts();
    List<Map<String, String>> prompts = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<RenderRequest> requests = new ArrayList<>();
    for (int seed = 0; seed < SEEDS; seed++) {
      for (int i = 0; i < heldOut.size(); i++) {
        String caption = directory.manifest().caption(heldOut.get(i));
        prompts.add(heldOut.get(i));
        captions.add(caption);
        requests.add(new RenderRequest(caption, 1000 + i + 100_000L * seed));
      }
    }
    List<BufferedImage> images = new ArrayList<>();
    try (DiffusionPredictor predictor = model.newPredictor()) {
      for (int start = 0; start < requests.size(); start += 8) {
        images.addAll(
            predictor
                .render(requests.subList(start, Math.min(requests.size(), start + 8)), options)
                .images());
      }
    }
    return new HeldOut(prompts, captions, images);
  }

  /** Prompt-image similarity of each held-out image of {@link #render}. */
  public static double[] similarities(
      ModelDirectory directory, DiffusionModel model, ClipScorer scorer, SamplingOptions options) {
    HeldOut heldOut = render(directory, model, options);
    return scorer.similarity(heldOut.images(), heldOut.captions());
  }

  /**
   * The mean drop from {@code reference} to {@code candidate} (positive: the candidate scores
   * lower), with a 95% bootstrap interval over the paired images.
   */
  public static AuditSummary.Interval drop(double[] reference, double[] candidate) {
    if (reference.length != candidate.length) {
      throw new IllegalArgumentException(
          "Profiles scored different image sets: " + reference.length + " vs " + candidate.length);
    }
    double[] differences = new double[reference.length];
    for (int i = 0; i < differences.length; i++) {
      differences[i] = reference[i] - candidate[i];
    }
    return AuditSummary.interval(differences, new SplittableRandom(42));
  }
}
