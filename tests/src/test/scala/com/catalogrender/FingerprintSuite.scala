package com.catalogrender

import com.catalogrender.render.{RenderConfig, RenderRun}
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.awt.image.BufferedImage
import java.nio.file.Files
import java.sql.Timestamp
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/**
 * The incremental skip re-renders exactly the rows whose image would change: each component of the
 * fingerprint changed alone, then a rerun with nothing changed renders nothing.
 */
class FingerprintSuite extends AnyFunSuite with LocalSpark {
  private lazy val catalog = workDir.resolve("catalog").toString
  private lazy val cutout = workDir.resolve("cutout.png")

  private def writeCutout(rgb: Int): Unit = {
    val image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB)
    for (x <- 4 until 12; y <- 4 until 12) image.setRGB(x, y, 0xff000000 | rgb)
    ImageIO.write(image, "png", cutout.toFile)
  }

  private def writeCatalog(categoryOf1: String, promptOf2: String): Unit = {
    val now = new Timestamp(0)
    val rows = Seq(
      Row("FP-0", "mugs", "red mug on wood", 64, 64, 1L, null, now),
      Row("FP-1", categoryOf1, "blue lamp on marble", 64, 64, 2L, null, now),
      Row("FP-2", "mugs", promptOf2, 64, 64, 3L, null, now),
      Row("FP-3", "bottles", "green bottle on beach", 128, 128, 4L, null, now), // enlarged: sharpened
      Row("FP-4", "boxes", "white box on wood", 128, 128, 5L, null, now),
      Row("FP-5", "mugs", "black mug on wood", 64, 64, 6L, cutout.toString, now))
    spark.createDataFrame(rows.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA)
      .write.format("delta").mode("overwrite").save(catalog)
  }

  private var settings = Map(
    "warehouse" -> workDir.resolve("warehouse").toString,
    "images" -> workDir.resolve("images").toString,
    "model_dir" -> modelDir.toString,
    "steps" -> "2",
    "batch_size" -> "3",
    "partitions" -> "1")

  /** Runs with the current settings; returns the SKUs it rendered. */
  private def render(): Set[String] = {
    val summary = new RenderRun(spark, RenderConfig.parse((settings + ("catalog" -> catalog)).asJava), (_: String) => ())
      .execute("fingerprint test")
    spark.read.format("delta").load(workDir.resolve("warehouse/renders").toString)
      .where(col("run_id") === summary.runId).collect().map(_.getAs[String]("sku")).toSet
  }

  private val all = (0 to 5).map(i => s"FP-$i").toSet

  test("changing one component re-renders exactly the rows it affects; changing nothing renders nothing") {
    writeCutout(0x3366cc)
    writeCatalog("lamps", "yellow mug on wood")
    assert(render() == all)
    assert(render() == Set.empty, "nothing changed")
    val changes: Seq[(String, () => Unit, Set[String])] = Seq(
      ("steps", () => settings += "steps" -> "3", all),
      ("image format", () => settings += "image_format" -> "jpeg", all),
      ("image quality (jpeg)", () => settings += "image_quality" -> "0.5", all),
      ("guidance", () => settings += "guidance" -> "5.0", all),
      ("sharpening (only enlarged rows)", () => settings += "sharpen" -> "0.8", Set("FP-3", "FP-4")),
      ("full-precision threshold (only rows whose variant changes)", () => settings += "full_precision_min_side" -> "128", Set("FP-3", "FP-4")),
      ("category", () => writeCatalog("bottles", "yellow mug on wood"), Set("FP-1")),
      ("prompt", () => writeCatalog("bottles", "orange mug on wood"), Set("FP-2")),
      ("cut-out content under the same path", () => writeCutout(0xcc3333), Set("FP-5")),
      ("nothing", () => (), Set.empty[String]))
    for ((what, change, expected) <- changes) {
      change()
      val rendered = render()
      info(s"$what: re-rendered ${rendered.toSeq.sorted.mkString(", ")}")
      assert(rendered == expected, s"changing $what re-rendered $rendered, expected $expected")
    }
    // the fingerprint is stored with each row: a user can see why a row rendered again
    val latest = spark.read.format("delta").load(workDir.resolve("warehouse/renders").toString)
      .where(col("sku") === "FP-5").orderBy(col("rendered_at").desc).first()
    val fingerprint = latest.getJavaMap[String, String](latest.fieldIndex("fingerprint")).asScala
    assert(fingerprint("steps") == "3" && fingerprint("image_format") == "jpg" && fingerprint("variant") == "int8", fingerprint)
    assert(fingerprint("cutout_content").startsWith("sha256:") && fingerprint("guidance") == "5.0", fingerprint)
    // and input_hash is that map's hash, the one rule (InputHash) applied to what is stored
    assert(latest.getAs[String]("input_hash") == com.catalogrender.catalog.InputHash.of(latest.getJavaMap[String, String](latest.fieldIndex("fingerprint"))))
  }
}
