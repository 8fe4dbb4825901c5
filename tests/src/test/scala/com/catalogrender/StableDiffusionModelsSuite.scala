package com.catalogrender

import com.catalogrender.render.{RenderConfig, RenderRun}
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.sql.Timestamp
import scala.jdk.CollectionConverters._

/**
 * A user's own Stable Diffusion model through every command: the tiny SD-1.x- and SDXL-shaped
 * models (models/tiny-sd1, models/tiny-sdxl, manifest version 2, tokenizer.json, random weights)
 * run by the render job, render-one and bench-model; images written at the requested sizes, costs
 * recorded under the model's own id.
 */
class StableDiffusionModelsSuite extends AnyFunSuite with LocalSpark {

  private lazy val catalog: String = {
    val path = workDir.resolve("catalog").toString
    val sizes = Seq((64, 64), (128, 96), (512, 512))
    val rows = (0 until 6).map { i =>
      val (w, h) = sizes(i % 3)
      Row(f"SD-$i%03d", Seq("mugs", "sneakers")(i % 2), Seq("red mug on wood", "white sneaker on beach")(i % 2),
        w, h, 40L + i, null, new Timestamp(0))
    }
    spark.createDataFrame(rows.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA).write.format("delta").save(path)
    path
  }

  for (name <- Seq("tiny-sd1", "tiny-sdxl")) {
    test(s"$name: render job, render-one, audit --variants, calibrate and bench-model") {
      val model = root.resolve("models").resolve(name).toString
      val warehouse = workDir.resolve(name).resolve("warehouse").toString
      val images = workDir.resolve(name).resolve("images")
      val started = System.nanoTime()
      val summary = new RenderRun(spark, RenderConfig.parse(Map(
        "catalog" -> catalog, "warehouse" -> warehouse, "images" -> images.toString, "model_dir" -> model,
        "steps" -> "6", "batch_size" -> "4", "partitions" -> "1", "contact_sheet_size" -> "0").asJava),
        (_: String) => ()).execute("byo model test")
      val seconds = (System.nanoTime() - started) / 1e9
      assert(summary.rowsOk == 6 && summary.rowsFailed == 0)
      val rows = spark.read.format("delta").load(warehouse + "/renders").where(col("run_id") === summary.runId).collect()
      for (r <- rows) {
        assert(r.getAs[String]("model_id") == name && r.getAs[String]("status") == "ok")
        assert(r.getAs[Double]("cost_unet_eur") > 0)
        val image = javax.imageio.ImageIO.read(Path.of(java.net.URI.create(r.getAs[String]("image_uri"))).toFile)
        assert(image.getWidth == r.getAs[Long]("width") && image.getHeight == r.getAs[Long]("height"))
      }
      // two distinct captions: encoded once each (the embedding cache serves the rest)
      assert(rows.map(_.getAs[Double]("seconds_text_encoder")).sum > 0)
      val run = spark.read.format("delta").load(warehouse + "/runs").where(col("run_id") === summary.runId).first()
      assert(run.getAs[Double]("marginal_cost_eur") > 0)

      val out = workDir.resolve(name + "-one.png")
      val (oneCode, onePrinted) = cli("render-one", "--model-dir", model, "--caption", "red mug on wood",
        "--out", out.toString, "--steps", "6", "--variant", "fp32")
      assert(oneCode == 0, onePrinted)
      val one = javax.imageio.ImageIO.read(out.toFile)
      assert(one.getWidth == 64 && one.getHeight == 64)

      // the audit: the packaged caption prompts, both variants from the same seeds; no scorer ships
      // with the model, so it reports the drift between the variants
      val (auditCode, audit) = cli("audit", "--model-dir", model, "--variants", "int8,fp32", "--reference", "fp32",
        "--seeds", "1", "--steps", "6", "--warehouse", warehouse, "--images", workDir.resolve(name + "-audit").toString)
      assert(auditCode == 0, audit)
      assert(audit.contains("drift between variants only"), audit)
      val audited = spark.read.format("delta").load(warehouse + "/audits").where(col("model_id") === name).collect()
      assert(audited.length == 2 * 12, audited.length)
      assert(audited.forall(r => r.isNullAt(r.fieldIndex("similarity")) && r.getAs[String]("caption").nonEmpty))
      val int8Psnr = audited.filter(_.getAs[String]("variant") == "int8").map(_.getAs[Double]("psnr_vs_reference"))
      assert(int8Psnr.forall(p => p > 0), int8Psnr.toSeq)

      if (name == "tiny-sd1") {
        // a CLIP-style scorer given in the demo's format (the demo's own): prompt-image similarity
        val (scoredCode, scored) = cli("audit", "--model-dir", model, "--variants", "int8,fp32", "--reference", "fp32",
          "--seeds", "1", "--steps", "6", "--scorer", modelDir.toString, "--warehouse", warehouse,
          "--images", workDir.resolve(name + "-scored").toString)
        assert(scoredCode == 0, scored)
        val withScores = spark.read.format("delta").load(warehouse + "/audits").where(col("model_id") === name)
          .where(col("similarity").isNotNull).collect()
        assert(withScores.length == 2 * 12 && withScores.forall(r => r.isNullAt(r.fieldIndex("category_correct"))))
        assert(scored.contains("drop vs reference"), scored)
      }

      // calibration of a user's model: its seconds per render per size bucket, under its own id
      val (calibrated, calibration) = cli("calibrate", "--model-dir", model, "--steps", "6", "--sizes", "64x64,512x512",
        "--rows-per-size", "2", "--warehouse", warehouse, "--images", workDir.resolve(name + "-calibration").toString)
      assert(calibrated == 0, calibration)
      val table = spark.read.format("delta").load(warehouse + "/calibration").where(col("model_id") === name).collect()
      assert(table.map(_.getAs[String]("size_bucket")).toSet == Set("<=64", "<=512"), table.mkString("\n"))

      val (benchCode, bench) = cli("bench-model", "--model-dir", model, "--json", "--rounds", "1", "--repeats", "2")
      assert(benchCode == 0, bench)
      val figures = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(bench.linesIterator.filter(_.startsWith("{")).toSeq.last)
      assert(figures.get("unet_ms_per_step").get("int8@8").asDouble() > 0)
      info(f"$name: int8 vs fp32 drift PSNR ${int8Psnr.sum / int8Psnr.length}%.1f dB over 12 captions; 6 renders at 64, 128x96 and 512 px in $seconds%.1f s, EUR ${summary.costs.marginalEur}%.8f marginal; " +
        f"UNet int8 ${figures.get("speedup_int8_vs_fp32").asDouble()}%.2fx fp32 at 8 images")
    }
  }
}
