package com.catalogrender

import com.catalogrender.catalog.DemoCatalog
import com.catalogrender.diffusion.Variant
import com.catalogrender.quality.AuditRun
import com.catalogrender.render.{RenderConfig, RenderRun}
import com.fasterxml.jackson.databind.ObjectMapper
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * Both notebooks executed headless (`jupyter nbconvert --execute`, Debian's Jupyter) against a small
 * real render run and a real audit; a failing cell fails the suite. The committed notebooks carry no
 * outputs.
 */
class NotebooksSuite extends AnyFunSuite with LocalSpark {
  private val json = new ObjectMapper()
  private lazy val warehouse = workDir.resolve("warehouse").toString

  override protected def beforeAll(): Unit = {
    super.beforeAll()
    val catalog = workDir.resolve("catalog").toString
    val rows = DemoCatalog.generate(8, 3L, workDir.resolve("cutouts").toString, spark.sparkContext.hadoopConfiguration)
    spark.createDataFrame(rows, DemoCatalog.SCHEMA).write.format("delta").save(catalog)
    val run = new RenderRun(spark, RenderConfig.parse(Map(
      "catalog" -> catalog, "warehouse" -> warehouse, "images" -> workDir.resolve("images").toString,
      "model_dir" -> modelDir.toString, "steps" -> "4", "contact_sheet_size" -> "0",
      "rates" -> root.resolve("conf/rates.properties").toString).asJava), (_: String) => ()).execute("notebooks")
    assert(run.rowsOk == 8)
    val audit = new AuditRun(spark).auditPrompts(new AuditRun.Settings(
      root.resolve(AuditRun.DEFAULT_PROMPTS).toString, warehouse, workDir.resolve("images").toString, modelDir.toString,
      java.util.List.of(Variant.FP32, Variant.INT8), Integer.valueOf(1), 0.006, 6, 4.0, 2, 0.9, null))
    assert(audit.variants().size() == 2)
  }

  private def execute(name: String): Path = {
    val out = Files.createDirectories(workDir.resolve("executed"))
    val command = Seq("jupyter", "nbconvert", "--to", "notebook", "--execute",
      "--ExecutePreprocessor.timeout=600", "--output-dir", out.toString, root.resolve(s"notebooks/$name").toString)
    val builder = new ProcessBuilder(command.asJava).directory(root.resolve("notebooks").toFile).redirectErrorStream(true)
      .redirectOutput(workDir.resolve(s"$name.log").toFile)
    builder.environment().put("CATALOG_RENDER_ROOT", root.toString)
    builder.environment().put("CATALOG_RENDER_WAREHOUSE", warehouse)
    val process =
      try builder.start()
      catch {
        case e: java.io.IOException => fail("jupyter is not installed: apt-get install jupyter-nbconvert python3-ipykernel " +
          "python3-pandas python3-matplotlib python3-pil (.ci/run does)", e)
      }
    assert(process.waitFor(10, TimeUnit.MINUTES), s"$name did not finish")
    assert(process.exitValue() == 0, s"$name failed:\n" + Files.readString(workDir.resolve(s"$name.log")).takeRight(4000))
    out.resolve(name)
  }

  /** Outputs of the executed notebook: (images, text). */
  private def outputs(notebook: Path): (Int, String) = {
    val cells = json.readTree(notebook.toFile).get("cells").elements().asScala.toSeq
    val outs = cells.flatMap(c => Option(c.get("outputs")).map(_.elements().asScala.toSeq).getOrElse(Seq.empty))
    val images = outs.count(o => o.has("data") && o.get("data").has("image/png"))
    val text = outs.map(o => Option(o.get("text")).map(t => t.elements().asScala.map(_.asText()).mkString).getOrElse("")).mkString
    (images, text)
  }

  test("the committed notebooks carry no outputs") {
    for (name <- Seq("quality_audit.ipynb", "cost_report.ipynb")) {
      val cells = json.readTree(root.resolve(s"notebooks/$name").toFile).get("cells").elements().asScala.toSeq
      for (c <- cells if c.get("cell_type").asText() == "code") {
        assert(c.get("outputs").size() == 0 && c.get("execution_count").isNull, s"$name has outputs: strip them")
      }
    }
  }

  test("quality_audit.ipynb runs against a real audit: distributions, per-category chart, side-by-side images, verdict") {
    val (images, text) = outputs(execute("quality_audit.ipynb"))
    assert(images == 3, s"$images charts and image grids")
    assert(text.contains("VERDICT: PASS") || text.contains("VERDICT: FAIL"), text)
  }

  test("cost_report.ipynb runs against a real render run: cost over runs, stage table, caches, contact sheet") {
    val (images, text) = outputs(execute("cost_report.ipynb"))
    assert(images >= 3, s"$images charts and image grids")
    assert(text.contains("warehouse: " + warehouse), text)
  }
}
