package com.catalogrender.jobs;

import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.quality.AuditRun;
import com.catalogrender.quality.AuditSummary;
import com.catalogrender.quality.ClipScorer;
import com.catalogrender.quality.GroundTruthSet;
import com.catalogrender.quality.RenderRunAudit;
import com.catalogrender.tables.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code audit [--prompts CSV|TABLE] [--warehouse DIR] [--images DIR] [--variants int8,fp32]
 * [--reference fp32] [--per-category N] [--max-similarity-drop 0.006] [--seeds 4]
 * [--min-pixel-accuracy 0.9] [--steps 25]}: the quality audit of a held-out prompt set; exits 1
 * when a variant's similarity drop fails the threshold.
 *
 * <p>{@code audit --run ID [--per-category N] [--worst 12]}: scores a sample of an existing render
 * run against its captions and lists the worst.
 */
final class AuditCommand {
  int run(String[] argv, SparkSession spark) throws IOException {
    CommandArguments args =
        CommandArguments.parse(
            "audit",
            argv,
            List.of(
                "prompts",
                "warehouse",
                "images",
                "variants",
                "reference",
                "per-category",
                "max-similarity-drop",
                "steps",
                "model-dir",
                "run",
                "worst",
                "seeds",
                "min-pixel-accuracy",
                "master"),
            List.of());
    String warehouse = args.optional("warehouse", DemoPaths.WAREHOUSE);
    String modelDir = ModelLocation.resolve(args).toString();
    String run = args.optional("run", null);
    if (run != null) {
      int perCategory = args.integer("per-category", 8);
      List<RenderRunAudit.RenderScore> scores =
          new RenderRunAudit(spark).audit(warehouse, modelDir, run, perCategory);
      int worst = Math.min(scores.size(), args.integer("worst", 12));
      System.out.printf(
          "render run %s: %d renders sampled (up to %d per category), mean similarity %.4f%n",
          run,
          scores.size(),
          perCategory,
          scores.stream().mapToDouble(RenderRunAudit.RenderScore::similarity).average().orElse(0));
      System.out.printf("worst %d:%n", worst);
      for (RenderRunAudit.RenderScore s : scores.subList(0, worst)) {
        System.out.printf(
            "  %.4f  %-14s %-10s %s  %s%n",
            s.similarity(), s.sku(), s.category(), s.caption(), s.imageUri());
      }
      return 0;
    }
    Variant reference = Variant.parse(args.optional("reference", "fp32"));
    List<Variant> variants = new ArrayList<>(List.of(reference));
    for (String v : args.optional("variants", "int8,fp32").split(",")) {
      Variant parsed = Variant.parse(v.trim());
      if (!variants.contains(parsed)) {
        variants.add(parsed);
      }
    }
    String perCategory = args.optional("per-category", null);
    double maxDrop = Double.parseDouble(args.optional("max-similarity-drop", "0.006"));
    AuditSummary summary =
        new AuditRun(spark)
            .auditPrompts(
                new AuditRun.Settings(
                    args.optional("prompts", null),
                    warehouse,
                    args.optional("images", DemoPaths.IMAGES),
                    modelDir,
                    variants,
                    perCategory == null ? null : Integer.valueOf(perCategory),
                    maxDrop,
                    args.integer("steps", 25),
                    4.0,
                    args.integer("seeds", 4),
                    Double.parseDouble(args.optional("min-pixel-accuracy", "0.9"))));
    System.out.print(summary.table());
    try (ClipScorer scorer = ClipScorer.load(ModelDirectory.open(Path.of(modelDir)))) {
      System.out.println(GroundTruthSet.describeScorer(scorer, Path.of(GroundTruthSet.DEFAULT)));
    }
    System.out.printf(
        "rows: %s (./submit.sh sql \"select * from audits where audit_id = '%s'\")%n",
        new Warehouse(warehouse).audits(), summary.auditId());
    return summary.passed() ? 0 : 1;
  }
}
