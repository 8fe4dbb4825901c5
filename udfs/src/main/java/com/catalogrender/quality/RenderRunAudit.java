package com.catalogrender.quality;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.results.AuditRecord;
import com.catalogrender.results.RenderStatus;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.tables.AuditsTable;
import com.catalogrender.tables.Warehouse;
import io.delta.tables.DeltaTable;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/** {@code audit --run ID}: scores a sample of an existing render run's images against captions. */
public final class RenderRunAudit {
  private final SparkSession spark;

  public RenderRunAudit(SparkSession spark) {
    this.spark = spark;
  }

  /** One sampled render of an existing run, scored. */
  public record RenderScore(
      String sku, String category, String caption, double similarity, String imageUri) {}

  /**
   * Samples up to {@code perCategory} ok renders per category of a render run (the same sample
   * every time), scores them against their captions, appends them to {@code audits} and returns
   * them worst first.
   */
  public List<RenderScore> audit(
      String warehouse, String modelDirectory, String runId, int perCategory) throws IOException {
    String renders = new Warehouse(warehouse).renders();
    if (!DeltaTable.isDeltaTable(spark, renders)) {
      throw new IllegalArgumentException("No renders table at " + renders);
    }
    List<Row> sample =
        spark
            .read()
            .format("delta")
            .load(renders)
            .where(col("run_id").equalTo(runId).and(col("status").equalTo(RenderStatus.OK.label())))
            .withColumn(
                "n",
                functions
                    .row_number()
                    .over(Window.partitionBy(col("category")).orderBy(functions.hash(col("sku")))))
            .where(col("n").leq(perCategory))
            .select("sku", "category", "caption", "image_uri", "variant", "seed")
            .collectAsList();
    if (sample.isEmpty()) {
      throw new IllegalArgumentException(
          "Render run '" + runId + "' has no ok renders in " + renders + "; see the runs table");
    }
    ModelDirectory directory =
        ModelDirectory.open(
            ModelCache.resolve(
                    modelDirectory,
                    ModelCache.defaultRoot(),
                    spark.sparkContext().hadoopConfiguration())
                .directory());
    List<BufferedImage> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (Row r : sample) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(r.<String>getAs("image_uri"));
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        images.add(ImageIO.read(in));
      }
      captions.add(r.getAs("caption"));
    }
    double[] similarity;
    try (ClipScorer scorer = ClipScorer.load(directory)) {
      similarity = scorer.similarity(images, captions);
    }
    String auditId = AuditRun.newId();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    List<RenderScore> scores = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      Row r = sample.get(i);
      scores.add(
          new RenderScore(
              r.getAs("sku"),
              r.getAs("category"),
              captions.get(i),
              similarity[i],
              r.getAs("image_uri")));
      rows.add(
          AuditsTable.DESCRIPTION.row(
              new AuditRecord(
                  auditId,
                  "renders",
                  runId,
                  directory.manifest().modelId(),
                  directory.manifest().version(),
                  r.getAs("sku"),
                  r.getAs("category"),
                  null,
                  captions.get(i),
                  r.<Long>getAs("seed"),
                  r.getAs("variant"),
                  similarity[i],
                  null,
                  r.getAs("image_uri"),
                  now)));
    }
    AuditsTable.VERSIONED.append(
        spark.createDataFrame(rows, AuditsTable.SCHEMA),
        new Warehouse(warehouse).audits(),
        java.util.Map.of());
    scores.sort(java.util.Comparator.comparingDouble(RenderScore::similarity));
    return scores;
  }
}
