package com.catalogrender.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Per variant: mean prompt similarity with a 95% bootstrap interval, attribute accuracy, mean drift
 * from the reference variant; and for every other variant, its similarity drop from the reference
 * (paired bootstrap over prompts) against the allowed drop: the verdict a rollout can gate on.
 */
public record AuditSummary(
    String auditId,
    String referenceVariant,
    double maxSimilarityDrop,
    Map<String, VariantFigures> variants) {

  static final int RESAMPLES = 2000;

  /** One variant's figures. */
  public record VariantFigures(
      int prompts,
      double similarity,
      double similarityLow,
      double similarityHigh,
      double categoryAccuracy,
      double colourAccuracy,
      double backgroundAccuracy,
      Double psnr,
      Double ssim,
      Double drop,
      Double dropLow,
      Double dropHigh) {

    public double attributeAccuracy() {
      return (categoryAccuracy + colourAccuracy + backgroundAccuracy) / 3;
    }
  }

  /** One scored image, in prompt order per variant. */
  public record Scored(
      String promptId,
      double similarity,
      boolean category,
      boolean colour,
      boolean background,
      Double psnr,
      Double ssim) {}

  public static AuditSummary of(
      String auditId, String reference, double maxDrop, Map<String, List<Scored>> byVariant) {
    Map<String, Double> referenceByPrompt = new LinkedHashMap<>();
    byVariant.get(reference).forEach(s -> referenceByPrompt.put(s.promptId(), s.similarity()));
    Map<String, VariantFigures> figures = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(42);
    for (Map.Entry<String, List<Scored>> e : byVariant.entrySet()) {
      List<Scored> scored = e.getValue();
      double[] similarity = scored.stream().mapToDouble(Scored::similarity).toArray();
      double[] interval = bootstrap(similarity, random);
      Double drop = null;
      Double dropLow = null;
      Double dropHigh = null;
      if (!e.getKey().equals(reference)) {
        List<Double> diffs = new ArrayList<>();
        for (Scored s : scored) {
          Double ref = referenceByPrompt.get(s.promptId());
          if (ref != null) {
            diffs.add(ref - s.similarity());
          }
        }
        double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
        drop = mean(d);
        double[] dropInterval = bootstrap(d, random);
        dropLow = dropInterval[0];
        dropHigh = dropInterval[1];
      }
      figures.put(
          e.getKey(),
          new VariantFigures(
              scored.size(),
              mean(similarity),
              interval[0],
              interval[1],
              share(scored, Scored::category),
              share(scored, Scored::colour),
              share(scored, Scored::background),
              meanOf(scored, Scored::psnr),
              meanOf(scored, Scored::ssim),
              drop,
              dropLow,
              dropHigh));
    }
    return new AuditSummary(auditId, reference, maxDrop, figures);
  }

  /** True when every variant's similarity drop is within the allowed drop. */
  public boolean passed() {
    return variants.values().stream()
        .allMatch(v -> v.drop() == null || v.drop() <= maxSimilarityDrop);
  }

  /** The printed table and verdict. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "audit %s (reference %s)%n%-8s %7s %24s %9s %7s %11s %8s %7s %7s %26s%n",
            auditId,
            referenceVariant,
            "variant",
            "prompts",
            "similarity [95% CI]",
            "category",
            "colour",
            "background",
            "mean acc",
            "PSNR",
            "SSIM",
            "drop vs reference [95% CI]"));
    variants.forEach(
        (variant, v) ->
            out.append(
                String.format(
                    "%-8s %7d %8.4f [%.4f, %.4f] %9.3f %7.3f %11.3f %8.3f %7s %7s %26s%n",
                    variant,
                    v.prompts(),
                    v.similarity(),
                    v.similarityLow(),
                    v.similarityHigh(),
                    v.categoryAccuracy(),
                    v.colourAccuracy(),
                    v.backgroundAccuracy(),
                    v.attributeAccuracy(),
                    v.psnr() == null ? "-" : String.format("%.2f", v.psnr()),
                    v.ssim() == null ? "-" : String.format("%.3f", v.ssim()),
                    v.drop() == null
                        ? "-"
                        : String.format(
                            "%.4f [%.4f, %.4f]", v.drop(), v.dropLow(), v.dropHigh()))));
    out.append(
        String.format(
            "verdict: %s (allowed similarity drop %.4f; seed: 0.847 -> 0.841)%n",
            passed() ? "PASS" : "FAIL", maxSimilarityDrop));
    return out.toString();
  }

  private static double[] bootstrap(double[] values, SplittableRandom random) {
    if (values.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
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
    return new double[] {means[(int) (0.025 * RESAMPLES)], means[(int) (0.975 * RESAMPLES) - 1]};
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static double share(List<Scored> scored, java.util.function.Predicate<Scored> correct) {
    return scored.isEmpty() ? 0 : scored.stream().filter(correct).count() / (double) scored.size();
  }

  private static Double meanOf(
      List<Scored> scored, java.util.function.Function<Scored, Double> value) {
    var present =
        scored.stream().map(value).filter(v -> v != null).mapToDouble(Double::doubleValue);
    var stats = present.summaryStatistics();
    return stats.getCount() == 0 ? null : stats.getAverage();
  }
}
