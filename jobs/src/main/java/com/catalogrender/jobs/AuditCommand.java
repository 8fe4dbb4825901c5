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
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code audit [--prompts CSV|TABLE] [--warehouse DIR] [--images DIR] [--variants int8,fp32]
 * [--reference fp32] [--per-category N] [--max-similarity-drop 0.006] [--seeds 4]
 * [--min-pixel-accuracy 0.9] [--steps 25]}: the quality audit of a held-out prompt set; exits 1
 * when a variant's similarity drop fails the threshold.
 *
 * <p>{@code audit --run ID [--per-category N] [--worst 12]}: scores a sample of an existing render
 * run against its captions and lists the worst.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Quality audit of a held-out prompt set per variant: similarity drop against the reference"
          + " variant, and the pixel check of colour and background.",
      "With --run ID: score a sample of an existing render run and list the worst."
    },
    footer = {"", "Exit codes: 0 verdict passed, 1 failure, 2 usage error, 3 verdict failed."})
final class AuditCommand implements SparkJob {
  @Option(
      names = "--prompts",
      paramLabel = "CSV|TABLE",
      description = "the prompt set (default: the packaged conf/audit/held-out-prompts.csv)")
  String prompts;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR|URI",
      defaultValue = DemoPaths.WAREHOUSE,
      showDefaultValue = Visibility.ALWAYS,
      description = "where the audits table is written")
  String warehouse;

  @Option(
      names = "--images",
      paramLabel = "DIR|URI",
      defaultValue = DemoPaths.IMAGES,
      showDefaultValue = Visibility.ALWAYS,
      description = "where the audit's images are written")
  String images;

  @Option(
      names = "--variants",
      paramLabel = "V,V",
      defaultValue = "int8,fp32",
      showDefaultValue = Visibility.ALWAYS,
      description = "the variants audited")
  String variants;

  @Option(
      names = "--reference",
      paramLabel = "VARIANT",
      defaultValue = "fp32",
      showDefaultValue = Visibility.ALWAYS,
      description = "the variant others are compared with")
  String reference;

  @Option(
      names = "--per-category",
      paramLabel = "N",
      description = "prompts per category (default: all; with --run: 8 renders)")
  Integer perCategory;

  @Option(
      names = "--max-similarity-drop",
      paramLabel = "D",
      defaultValue = "0.006",
      showDefaultValue = Visibility.ALWAYS,
      description = "the largest mean similarity drop that passes")
  double maxDrop;

  @Option(
      names = "--min-pixel-accuracy",
      paramLabel = "A",
      defaultValue = "0.9",
      showDefaultValue = Visibility.ALWAYS,
      description = "the smallest pixel colour and background accuracy that passes")
  double minPixelAccuracy;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      defaultValue = "4",
      showDefaultValue = Visibility.ALWAYS,
      description = "seeds per prompt")
  int seeds;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "25",
      showDefaultValue = Visibility.ALWAYS,
      description = "sampler steps")
  int steps;

  @Option(names = "--run", paramLabel = "ID", description = "audit this render run instead")
  String run;

  @Option(
      names = "--worst",
      paramLabel = "N",
      defaultValue = "12",
      showDefaultValue = Visibility.ALWAYS,
      description = "with --run: how many of the worst renders to list")
  int worst;

  @Mixin ModelLocation model;

  private List<Variant> audited;

  @Override
  public void check() {
    Variant referenceVariant = Variant.parse(reference);
    audited = new ArrayList<>(List.of(referenceVariant));
    for (String v : variants.split(",")) {
      Variant parsed = Variant.parse(v.trim());
      if (!audited.contains(parsed)) {
        audited.add(parsed);
      }
    }
  }

  @Override
  public int run(SparkSession spark) throws IOException {
    String modelDir = model.local(spark.sparkContext().hadoopConfiguration()).toString();
    if (run != null) {
      int perCategory = this.perCategory == null ? 8 : this.perCategory;
      List<RenderRunAudit.RenderScore> scores =
          new RenderRunAudit(spark).audit(warehouse, modelDir, run, perCategory);
      int worst = Math.min(scores.size(), this.worst);
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
      return ExitCodes.SUCCESS;
    }
    AuditSummary summary =
        new AuditRun(spark)
            .auditPrompts(
                new AuditRun.Settings(
                    prompts,
                    warehouse,
                    images,
                    modelDir,
                    audited,
                    perCategory,
                    maxDrop,
                    steps,
                    4.0,
                    seeds,
                    minPixelAccuracy));
    System.out.print(summary.table());
    try (ClipScorer scorer = ClipScorer.load(ModelDirectory.open(Path.of(modelDir)))) {
      System.out.println(GroundTruthSet.describeScorer(scorer, Path.of(GroundTruthSet.DEFAULT)));
    }
    System.out.printf(
        "rows: %s (./submit.sh sql \"select * from audits where audit_id = '%s'\")%n",
        new Warehouse(warehouse).audits(), summary.auditId());
    return summary.passed() ? ExitCodes.SUCCESS : ExitCodes.AUDIT_FAILED;
  }
}
