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
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
    description = {
      "Quality audit of a held-out prompt set per variant: similarity drop against the reference"
          + " variant, and the pixel check of colour and background.",
      "With --run ID: score a sample of an existing render run and list the worst."
    },
    footer = {"", "Exit codes: 0 verdict passed, 1 failure, 2 usage error, 3 verdict failed."})
final class AuditCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Mixin ModelLocation model;

  private List<Variant> audited;

  @Override
  public void check() {
    OptionTable o = new OptionTable(spec);
    audited = new ArrayList<>(List.of(Variant.parse(o.get("--reference"))));
    for (String v : o.<String>get("--variants").split(",")) {
      Variant parsed = Variant.parse(v.trim());
      if (!audited.contains(parsed)) {
        audited.add(parsed);
      }
    }
  }

  @Override
  public int run(SparkSession spark) throws IOException {
    // the location as given: the driver and each executor fetch a remote model into their cache
    String modelDir = model.location;
    OptionTable o = new OptionTable(spec);
    String warehouse = o.get("--warehouse");
    String run = o.get("--run");
    Integer perCategory = o.get("--per-category");
    if (run != null) {
      int sampled = perCategory == null ? 8 : perCategory;
      List<RenderRunAudit.RenderScore> scores =
          new RenderRunAudit(spark).audit(warehouse, modelDir, run, sampled);
      int worst = Math.min(scores.size(), o.<Integer>get("--worst"));
      System.out.printf(
          "render run %s: %d renders sampled (up to %d per category), mean similarity %.4f%n",
          run,
          scores.size(),
          sampled,
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
                    o.get("--prompts"),
                    warehouse,
                    o.get("--images"),
                    modelDir,
                    audited,
                    perCategory,
                    o.<Double>get("--max-similarity-drop"),
                    o.<Integer>get("--steps"),
                    4.0,
                    o.<Integer>get("--seeds"),
                    o.<Double>get("--min-pixel-accuracy"),
                    o.get("--scorer")));
    System.out.print(summary.table());
    if (summary.scored() && o.get("--scorer") == null) {
      try (ClipScorer scorer =
          ClipScorer.load(
              ModelDirectory.open(model.local(spark.sparkContext().hadoopConfiguration())))) {
        System.out.println(GroundTruthSet.describeScorer(scorer, null));
      }
    }
    System.out.printf(
        "rows: %s (./submit.sh sql \"select * from audits where audit_id = '%s'\")%n",
        new Warehouse(warehouse).audits(), summary.auditId());
    return summary.passed() ? ExitCodes.SUCCESS : ExitCodes.AUDIT_FAILED;
  }

  @Override
  public String options() {
    return """
      --prompts              CSV|TABLE  text    -          the prompt set (default: the packaged conf/audit/held-out-prompts.csv; caption-prompts.csv for a model without the demo's attributes)
      --warehouse            DIR|URI    text    %s         where the audits table is written
      --images               DIR|URI    text    %s         where the audit's images are written
      --variants             V,V        text    int8,fp32  the variants audited
      --reference            VARIANT    text    fp32       the variant others are compared with
      --per-category         N          int     -          prompts per category (default: all; with --run: 8 renders)
      --max-similarity-drop  D          double  0.006      the largest mean similarity drop that passes
      --min-pixel-accuracy   A          double  0.9        the smallest pixel colour and background accuracy that passes
      --seeds                N          int     4          seeds per prompt
      --steps                N          int     25         sampler steps
      --scorer               DIR|URI    text    -          a model directory with a CLIP-style scorer in the demo's format, for prompt-image similarity (default: the audited model's own, if it ships one)
      --run                  ID         text    -          audit this render run instead
      --worst                N          int     12         with --run: how many of the worst renders to list
      """
        .formatted(DemoPaths.WAREHOUSE, DemoPaths.IMAGES);
  }
}
