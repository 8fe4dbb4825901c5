package com.catalogrender.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Per variant: mean prompt similarity, the learned scorer's attribute accuracy, the pixel check's
 * colour and background accuracy (what a person sees, independent of any model), each with a 95%
 * bootstrap interval, and mean drift from the reference variant; for every other variant, its
 * similarity drop from the reference (paired bootstrap over prompts). The verdict a rollout gates
 * on: every drop within the allowed drop, and every variant's pixel colour and background accuracy
 * at least the required accuracy.
 */
public record AuditSummary(
    String auditId,
    String referenceVariant,
    double maxSimilarityDrop,
    double minPixelAccuracy,
    Map<String, VariantFigures> variants) {

  static final int RESAMPLES = 2000;

  /** A mean and its 95% bootstrap interval. */
  public record Interval(double mean, double low, double high) {
    @Override
    public String toString() {
      return String.format("%.4f [%.4f, %.4f]", mean, low, high);
    }
  }

  /**
   * One variant's figures.
   *
   * @param pixelColour share of images whose product colour the pixel check named as asked
   * @param pixelBackground share of images whose background the pixel check named as asked
   * @param drop similarity drop from the reference, or null for the reference
   */
  public record VariantFigures(
      int images,
      Interval similarity,
      Double categoryAccuracy,
      Double colourAccuracy,
      Double backgroundAccuracy,
      Interval pixelColour,
      Interval pixelBackground,
      Double psnr,
      Double ssim,
      Interval drop) {

    /** The mean of the three accuracies, or null for a model audited without attributes. */
    public Double attributeAccuracy() {
      return categoryAccuracy == null
          ? null
          : (categoryAccuracy + colourAccuracy + backgroundAccuracy) / 3;
    }

    /** Whether a scorer and the pixel check judged these images (the demo's attribute prompts). */
    public boolean scored() {
      return similarity != null;
    }
  }

  /**
   * One image, in prompt order per variant; the scores are null where nothing judged them (a model
   * without a scorer or attribute prompts: drift only).
   */
  public record Scored(
      String promptId,
      Double similarity,
      Boolean category,
      Boolean colour,
      Boolean background,
      Boolean pixelColour,
      Boolean pixelBackground,
      Double psnr,
      Double ssim) {}

  public static AuditSummary of(
      String auditId,
      String reference,
      double maxDrop,
      double minPixelAccuracy,
      Map<String, List<Scored>> byVariant) {
    Map<String, Double> referenceByPrompt = new LinkedHashMap<>();
    byVariant.get(reference).forEach(s -> referenceByPrompt.put(s.promptId(), s.similarity()));
    Map<String, VariantFigures> figures = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(42);
    for (Map.Entry<String, List<Scored>> e : byVariant.entrySet()) {
      List<Scored> scored = e.getValue();
      boolean judged = !scored.isEmpty() && scored.stream().allMatch(x -> x.similarity() != null);
      if (!judged) {
        figures.put(
            e.getKey(),
            new VariantFigures(
                scored.size(),
                null,
                null,
                null,
                null,
                null,
                null,
                meanOf(scored, Scored::psnr),
                meanOf(scored, Scored::ssim),
                null));
        continue;
      }
      Interval drop = null;
      if (!e.getKey().equals(reference)) {
        List<Double> diffs = new ArrayList<>();
        for (Scored s : scored) {
          Double ref = referenceByPrompt.get(s.promptId());
          if (ref != null) {
            diffs.add(ref - s.similarity());
          }
        }
        drop = interval(diffs.stream().mapToDouble(Double::doubleValue).toArray(), random);
      }
      // caption prompts judged by a scorer have a similarity but no attributes to check
      boolean attributes = scored.stream().allMatch(x -> x.category() != null);
      boolean pixels = scored.stream().allMatch(x -> x.pixelColour() != null);
      figures.put(
          e.getKey(),
          new VariantFigures(
              scored.size(),
              interval(scored.stream().mapToDouble(Scored::similarity).toArray(), random),
              attributes ? share(scored, Scored::category) : null,
              attributes ? share(scored, Scored::colour) : null,
              attributes ? share(scored, Scored::background) : null,
              pixels ? interval(indicator(scored, Scored::pixelColour), random) : null,
              pixels ? interval(indicator(scored, Scored::pixelBackground), random) : null,
              meanOf(scored, Scored::psnr),
              meanOf(scored, Scored::ssim),
              drop));
    }
    return new AuditSummary(auditId, reference, maxDrop, minPixelAccuracy, figures);
  }

  /**
   * True when every drop is within the allowed drop and every pixel accuracy is high enough; an
   * audit of drift only (no scorer) has nothing to fail on.
   */
  public boolean passed() {
    return variants.values().stream()
        .filter(VariantFigures::scored)
        .allMatch(
            v ->
                (v.drop() == null || v.drop().mean() <= maxSimilarityDrop)
                    && (v.pixelColour() == null || v.pixelColour().mean() >= minPixelAccuracy)
                    && (v.pixelBackground() == null
                        || v.pixelBackground().mean() >= minPixelAccuracy));
  }

  /** Whether any variant was judged by a scorer (else the audit reports drift only). */
  public boolean scored() {
    return variants.values().stream().anyMatch(VariantFigures::scored);
  }

  /** The printed table and verdict. */
  public String table() {
    StringBuilder out = new StringBuilder();
    if (!scored()) {
      out.append(
          String.format(
              "audit %s (reference %s): drift between variants only (the model has no"
                  + " prompt-image scorer)%n%-8s %6s %8s %7s%n",
              auditId, referenceVariant, "variant", "images", "PSNR", "SSIM"));
      variants.forEach(
          (variant, v) ->
              out.append(
                  String.format(
                      "%-8s %6d %8s %7s%n",
                      variant,
                      v.images(),
                      v.psnr() == null ? "-" : String.format("%.2f", v.psnr()),
                      v.ssim() == null ? "-" : String.format("%.3f", v.ssim()))));
      return out.toString();
    }
    out.append(
        String.format(
            "audit %s (reference %s)%n%-8s %6s %24s %27s %8s %7s %7s %7s %7s %26s%n",
            auditId,
            referenceVariant,
            "variant",
            "images",
            "similarity [95% CI]",
            "scorer: category colour bg",
            "mean",
            "PSNR",
            "SSIM",
            "",
            "",
            "drop vs reference [95% CI]"));
    variants.forEach(
        (variant, v) ->
            out.append(
                String.format(
                    "%-8s %6d %24s %10s %7s %8s %8s %7s %7s %23s %26s%n",
                    variant,
                    v.images(),
                    v.similarity(),
                    three(v.categoryAccuracy()),
                    three(v.colourAccuracy()),
                    three(v.backgroundAccuracy()),
                    three(v.attributeAccuracy()),
                    v.psnr() == null ? "-" : String.format("%.2f", v.psnr()),
                    v.ssim() == null ? "-" : String.format("%.3f", v.ssim()),
                    "",
                    v.drop() == null ? "-" : v.drop().toString())));
    out.append(
        String.format(
            "%-8s %6s %26s %26s   (pixel check: what a person sees, no model involved)%n",
            "variant", "images", "pixel colour [95% CI]", "pixel background [95% CI]"));
    variants.forEach(
        (variant, v) ->
            out.append(
                String.format(
                    "%-8s %6d %26s %26s%n",
                    variant,
                    v.images(),
                    v.pixelColour() == null ? "-" : v.pixelColour(),
                    v.pixelBackground() == null ? "-" : v.pixelBackground())));
    out.append(
        String.format(
            "verdict: %s (allowed similarity drop %.4f, seed: 0.847 -> 0.841; required pixel"
                + " colour and background accuracy %.2f)%n",
            passed() ? "PASS" : "FAIL", maxSimilarityDrop, minPixelAccuracy));
    return out.toString();
  }

  private static String three(Double value) {
    return value == null ? "-" : String.format("%.3f", value);
  }

  /** The mean of {@code values} and its 95% bootstrap interval (resampling with {@code random}). */
  public static Interval interval(double[] values, SplittableRandom random) {
    double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
    if (values.length == 0) {
      return new Interval(mean, Double.NaN, Double.NaN);
    }
    double[] means = new double[RESAMPLES];
    for (int r = 0; r < RESAMPLES; r++) {
      double sum = 0;
      for (int i = 0; i < values.length; i++) {
        sum += values[random.nextInt(values.length)];
      }
      means[r] = sum / values.length;
    }
    java.util.Arrays.sort(means);
    return new Interval(
        mean, means[(int) (0.025 * RESAMPLES)], means[(int) (0.975 * RESAMPLES) - 1]);
  }

  private static double[] indicator(List<Scored> scored, Predicate<Scored> correct) {
    // only judged variants get here: every image has its checks
    return scored.stream().mapToDouble(s -> correct.test(s) ? 1 : 0).toArray();
  }

  private static double share(List<Scored> scored, Predicate<Scored> correct) {
    return scored.isEmpty() ? 0 : scored.stream().filter(correct).count() / (double) scored.size();
  }

  private static Double meanOf(List<Scored> scored, Function<Scored, Double> value) {
    var present =
        scored.stream().map(value).filter(v -> v != null).mapToDouble(Double::doubleValue);
    var stats = present.summaryStatistics();
    return stats.getCount() == 0 ? null : stats.getAverage();
  }
}
