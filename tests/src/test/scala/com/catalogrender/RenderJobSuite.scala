package com.catalogrender

import com.catalogrender.catalog.DemoCatalog
import com.catalogrender.render.{RenderConfig, RenderRun}
import com.catalogrender.results.RunSummary
import com.catalogrender.runtime.ModelRegistry
import _root_.io.delta.tables.DeltaTable
import org.apache.spark.sql.{Row, SaveMode}
import org.apache.spark.sql.functions.col
import org.apache.spark.sql.types.{DataTypes, StructType}
import org.scalatest.funsuite.AnyFunSuite

import java.net.URI
import java.nio.file.{Files, Path, Paths}
import java.sql.Timestamp
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/** The render job end to end on local Spark with real Delta tables and the committed model. */
class RenderJobSuite extends AnyFunSuite with LocalSpark {
  private lazy val catalog = workDir.resolve("catalog").toString
  private lazy val warehouse = workDir.resolve("warehouse").toString
  private lazy val images = workDir.resolve("images").toString

  private def config(extra: (String, String)*): RenderConfig =
    RenderConfig.parse(
      (Map(
        "catalog" -> catalog,
        "warehouse" -> warehouse,
        "images" -> images,
        "model_dir" -> modelDir.toString,
        "steps" -> "6", // the job is under test here, not picture quality
        "batch_size" -> "4",
        "contact_sheet_size" -> "8",
        "rates" -> root.resolve("conf/rates.properties").toString
      ) ++ extra).asJava)

  private def run(cfg: RenderConfig): RunSummary = new RenderRun(spark, cfg, (_: String) => ()).execute("test")

  private def rendersOf(runId: String, at: String = null) =
    spark.read.format("delta").load(Option(at).getOrElse(warehouse) + "/renders").where(col("run_id") === runId)

  test("every row renders once, a rerun renders nothing, changed prompts rerender, --rerender-all renders all") {
    ModelRegistry.executorWide().closeAll()
    val rows = DemoCatalog.generate(30, 7L, workDir.resolve("cutouts").toString, spark.sparkContext.hadoopConfiguration)
    spark.createDataFrame(rows, DemoCatalog.SCHEMA).write.format("delta").save(catalog)

    val first = run(config())
    assert(first.rowsTotal == 30 && first.rowsOk == 30 && first.rowsFailed == 0 && first.rows.skipped == 0)
    val results = rendersOf(first.runId).collect()
    assert(results.length == 30)
    assert(results.map(_.getAs[String]("sku")).distinct.length == 30)
    for (r <- results) {
      val file = Paths.get(new URI(r.getAs[String]("image_uri")))
      val image = ImageIO.read(file.toFile)
      assert(image.getWidth == r.getAs[Long]("width") && image.getHeight == r.getAs[Long]("height"), file)
      assert(Files.size(file) == r.getAs[Long]("image_bytes"))
      assert(file.getParent == Paths.get(images).toAbsolutePath.normalize, "image outside the image root: " + file)
    }
    // one model load per (executor, variant) actually used: local mode has one executor
    val variantsUsed = results.map(_.getAs[String]("variant")).distinct.length
    assert(first.work.executors == 1)
    assert(first.work.modelLoads == first.work.executors * variantsUsed, s"loads ${first.work.modelLoads}, variants $variantsUsed")
    assert(first.locations.contactSheet != null && ImageIO.read(Paths.get(new URI(first.locations.contactSheet)).toFile) != null)
    val runRow = spark.read.format("delta").load(warehouse + "/runs").where(col("run_id") === first.runId).collect()
    assert(runRow.length == 1 && runRow.head.getAs[Long]("rows_ok") == 30 && runRow.head.getAs[Long]("model_loads") == first.work.modelLoads)
    // Spark's own task record: every attempt succeeded, nothing wasted, all-in = marginal + fixed
    val run0 = runRow.head
    assert(run0.getAs[Long]("spark_task_attempts") >= 1 && run0.getAs[Long]("spark_failed_attempts") == 0, run0)
    assert(run0.getAs[Double]("spark_task_seconds") > 0 && run0.getAs[Double]("wasted_seconds") == 0.0, run0)
    assert(run0.getAs[String]("wasted_reasons") == null)
    assert(math.abs(run0.getAs[Double]("all_in_cost_per_render_eur") -
      (first.costs.marginalEur + first.costs.fixedEur) / 30) < 1e-12, run0)

    // cost: every ok row has a positive cost that is the sum of its stages; rows' device-seconds
    // add up to what the executors measured
    for (r <- results) {
      val stages = Seq("caption", "cache", "text_encoder", "unet", "vae", "post", "io").map(s => r.getAs[Double](s"cost_${s}_eur")).sum
      assert(r.getAs[Double]("cost_eur") > 0 && math.abs(r.getAs[Double]("cost_eur") - stages) < 1e-12)
    }
    assert(first.costs.deviceSecondsMeasured > 0 && math.abs(first.reconciliation - 1.0) < 0.01,
      s"rows ${first.costs.deviceSecondsRows} vs busy clocks ${first.costs.deviceSecondsMeasured}")
    // Spark's task time (its listener) is accounted for line by line within 1%
    val recon = first.costs.reconciliation
    info(f"reconciliation: rows ${recon.deviceSecondsRows}%.3f s vs clocks ${recon.deviceSecondsClocks}%.3f s; " +
      f"accounted ${recon.accountedTaskSeconds}%.3f s vs Spark ${recon.sparkTaskSeconds}%.3f s; ${recon.timeAccounting}")
    assert(recon.problems().isEmpty, recon.problems())
    assert(first.costs.fixed.driverEur > 0 && first.costs.fixed.modelLoadEur > 0, first.costs.fixed)
    assert(run0.getAs[scala.collection.Map[String, Double]]("fixed_costs_eur").keySet == Set("model_load", "idle", "other_tasks", "driver"))
    assert(first.costs.marginalEur > 0 && first.costs.fixedEur > 0)
    spark.read.format("delta").load(warehouse + "/renders").createOrReplaceTempView("renders")
    com.catalogrender.tables.Views.create(spark, null)
    val shares = spark.sql(s"select sum(share_of_time), sum(share_of_cost), count(*) from stage_breakdown where run_id = '${first.runId}'").first()
    assert(math.abs(shares.getDouble(0) - 1) < 1e-9 && math.abs(shares.getDouble(1) - 1) < 1e-9 && shares.getLong(2) == com.catalogrender.measure.Stage.values.length)
    assert(spark.sql(s"select sum(renders) from cost_per_render where run_id = '${first.runId}'").first().getLong(0) == 30)
    val out = new java.io.ByteArrayOutputStream()
    val code = Console.withOut(out) {
      val saved = System.out
      System.setOut(new java.io.PrintStream(out, true))
      try com.catalogrender.jobs.Main.run(Array("cost-report", "--warehouse", warehouse, "--run", first.runId))
      finally System.setOut(saved)
    }
    assert(code == 0, out.toString)
    assert(out.toString.contains("% of wall time") && out.toString.contains("unet"), out.toString)
    assert(out.toString.contains("wasted 0.0000000 (failed task attempts)") && out.toString.contains("all-in"), out.toString)
    // cost-report registered the warehouse's views, run_costs among them: all-in = marginal + fixed + wasted
    val costs = spark.sql(s"select renders, marginal_cost_eur, fixed_cost_eur, wasted_eur, all_in_eur, all_in_per_render_eur from run_costs where run_id = '${first.runId}'").first()
    assert(costs.getLong(0) == 30 && costs.getDouble(3) == 0.0)
    assert(math.abs(costs.getDouble(4) - (costs.getDouble(1) + costs.getDouble(2))) < 1e-12)
    assert(math.abs(costs.getDouble(5) - costs.getDouble(4) / 30) < 1e-12)
    assert(ImageIO.read(Paths.get(images, s"cost-report-${first.runId}.png").toFile) != null)

    val second = run(config())
    assert(second.rows.skipped == 30 && second.rowsOk == 0 && second.rowsFailed == 0)
    assert(second.work.modelLoads == 0, "nothing to render must load nothing")

    val changed = Seq("SKU-000003", "SKU-000010", "SKU-000021")
    DeltaTable.forPath(spark, catalog).updateExpr(s"sku in (${changed.map("'" + _ + "'").mkString(",")})",
      Map("prompt" -> "'purple lamp on wood'").asJava)
    val third = run(config())
    assert(third.rowsOk == 3 && third.rows.skipped == 27)
    assert(rendersOf(third.runId).select("sku").collect().map(_.getString(0)).sorted.toSeq == changed)

    val all = run(config("rerender_all" -> "true"))
    assert(all.rowsOk == 30 && all.rows.skipped == 0)
    // the same inputs write the same keys: no second copy of any image
    val files = Files.list(Paths.get(images)).iterator().asScala.filter(_.toString.endsWith(".png"))
      .filterNot(f => Seq("contact-sheet", "cost-report").exists(f.getFileName.toString.startsWith)).toSeq
    assert(files.length == 33, files.mkString("\n"))
    assert(!Files.list(Paths.get(images)).iterator().asScala.exists(_.getFileName.toString.startsWith(".")))
  }

  test("bad rows end as failed with clear reasons while good rows succeed, and nothing escapes the image root") {
    val badCatalog = workDir.resolve("bad-catalog").toString
    val textFile = workDir.resolve("not-an-image.png")
    Files.writeString(textFile, "this is not a PNG")
    val now = new Timestamp(System.currentTimeMillis())
    def row(sku: String, prompt: String, w: Integer, h: Integer, source: String = null) =
      Row(sku, "mugs", prompt, w, h, 11L, source, now)
    val rows = Seq(
      row("GOOD-1", "red mug on beach", 128, 128),
      row("shelf/A 12 ünïcode", "blue box on wood", 96, 64),
      row("NULL-PROMPT", null, 128, 128),
      row("EMPTY-PROMPT", "   ", 128, 128),
      row("ZERO-WIDTH", "red mug on beach", 0, 128),
      row("HUGE-WIDTH", "red mug on beach", 100000, 128),
      row("../../etc/passwd", "red mug on beach", 128, 128),
      row("BAD-SOURCE", "red mug on beach", 128, 128, textFile.toUri.toString)
    )
    spark.createDataFrame(rows.asJava, DemoCatalog.SCHEMA).write.format("delta").save(badCatalog)
    val result = run(config("catalog" -> badCatalog, "images" -> workDir.resolve("bad-images").toString))
    assert(result.rowsTotal == 8 && result.rowsOk == 2 && result.rowsFailed == 6)
    val byKey = rendersOf(result.runId).collect().map(r => r.getAs[String]("sku") -> r).toMap
    assert(byKey.size == 8)
    def error(sku: String) = { assert(byKey(sku).getAs[String]("status") == "failed", sku); byKey(sku).getAs[String]("error") }
    assert(error("NULL-PROMPT").startsWith("prompt is null or empty"))
    assert(error("EMPTY-PROMPT").startsWith("prompt is null or empty"))
    assert(error("ZERO-WIDTH") == "width 0 is outside [16, 4096] pixels")
    assert(error("HUGE-WIDTH") == "width 100000 is outside [16, 4096] pixels")
    assert(error("../../etc/passwd").contains("path-traversal"))
    assert(error("BAD-SOURCE").contains("is not a readable image"))
    spark.read.format("delta").load(warehouse + "/renders").createOrReplaceTempView("renders")
    com.catalogrender.tables.Views.create(spark, null)
    val reasons = spark.sql(s"select reason, rows from failures where run_id = '${result.runId}'").collect()
    assert(reasons.map(_.getLong(1)).sum == 6, reasons.mkString("\n"))
    for (sku <- Seq("GOOD-1", "shelf/A 12 ünïcode")) assert(byKey(sku).getAs[String]("status") == "ok", sku)
    val unicode = Paths.get(new URI(byKey("shelf/A 12 ünïcode").getAs[String]("image_uri")))
    assert(unicode.getParent == workDir.resolve("bad-images").toAbsolutePath.normalize)
    assert(unicode.getFileName.toString.startsWith("shelf_A_12_unicode-"))
    assert(!Files.exists(workDir.resolve("etc")) && !Files.exists(workDir.getParent.resolve("etc/passwd")))
  }

  test("known timings and fixed rates give exactly known costs per row, per stage and per run") {
    val fixedCatalog = workDir.resolve("fixed-catalog").toString
    val now = new Timestamp(System.currentTimeMillis())
    val rows = (1 to 8).map(i => Row(s"FIX-$i", "mugs", "red mug on beach", 64, 64, i.toLong, null, now))
    spark.createDataFrame(rows.asJava, DemoCatalog.SCHEMA).write.format("delta").save(fixedCatalog)
    val rates = workDir.resolve("fixed-rates.properties")
    Files.writeString(rates,
      """device.cpu_core.eur_per_hour=3.6
        |device.h100_sxm.eur_per_hour=36
        |device.driver.eur_per_hour=3.6
        |run.cpu_device_class=cpu_core
        |run.gpu_device_class=h100_sxm
        |run.cpu_cores_per_task=1
        |llm.template.eur_per_million_input=0
        |llm.template.eur_per_million_output=0
        |store.local.eur_per_thousand_put=1
        |store.local.eur_per_thousand_get=0
        |store.local.eur_per_gb_written=0
        |""".stripMargin)
    val result = run(config(
      "catalog" -> fixedCatalog,
      "warehouse" -> workDir.resolve("fixed-warehouse").toString,
      "images" -> workDir.resolve("fixed-images").toString,
      "rates" -> rates.toString,
      "testing_fixed_clock_step_seconds" -> "1",
      "embedding_cache" -> "off", // every batch encodes its caption: one step, no cache round trips
      "partitions" -> "1", // one task: two batches of four
      "batch_size" -> "4"))
    assert(result.rowsOk == 8)
    // each measured stage takes exactly one clock step (1 s): post and io per row; text encoder,
    // UNet and VAE per batch of 4, so 0.25 s per row; the caption once per distinct prompt, shared
    // by its 8 rows, so 0.125 s per row, which costs nothing (the template spends no tokens; its
    // seconds are driver time, a fixed cost); CPU at 0.001 EUR/s, one PUT at 0.001 EUR
    val rendered = spark.read.format("delta").load(workDir.resolve("fixed-warehouse").toString + "/renders").collect()
    for (r <- rendered) {
      assert(r.getAs[Double]("seconds_caption") == 0.125 && r.getAs[Double]("seconds_post") == 1.0 && r.getAs[Double]("seconds_io") == 1.0)
      for (stage <- Seq("text_encoder", "unet", "vae")) {
        assert(math.abs(r.getAs[Double](s"seconds_$stage") - 0.25) < 1e-12, stage)
        assert(math.abs(r.getAs[Double](s"cost_${stage}_eur") - 0.00025) < 1e-15, stage)
      }
      assert(r.getAs[Double]("cost_caption_eur") == 0.0)
      assert(math.abs(r.getAs[Double]("cost_io_eur") - 0.002) < 1e-15)
      assert(math.abs(r.getAs[Double]("cost_eur") - 0.00375) < 1e-12)
    }
    assert(math.abs(result.costs.marginalEur - 8 * 0.00375) < 1e-12)
    assert(math.abs(result.costs.deviceSecondsRows - 6.0) < 1e-12 && math.abs(result.costs.deviceSecondsMeasured - 6.0) < 1e-12)
    assert(math.abs(result.costPerRenderEur - 0.00375) < 1e-12)
    // the busy clocks timed the same device work the rows were split from: exactly 6 s
    assert(result.costs.reconciliation.deviceAgreement == 1.0, result.costs.reconciliation)
    // fixed lines: the driver's wall time at its rate (0.001 EUR/s), and they add up
    val fixed = result.costs.fixed
    assert(math.abs(fixed.driverEur - fixed.driverSeconds * 0.001) < 1e-15 && fixed.driverSeconds > 0, fixed)
    assert(math.abs(result.costs.fixedEur - (fixed.modelLoadEur + fixed.idleEur + fixed.otherTasksEur + fixed.driverEur)) < 1e-15, fixed)
  }

  test("--dry-run estimates from history and renders nothing; --budget-eur stops starting batches when spent") {
    val fixedWarehouse = workDir.resolve("fixed-warehouse").toString
    val rates = workDir.resolve("fixed-rates.properties").toString
    val budgetCatalog = workDir.resolve("budget-catalog").toString
    val now = new Timestamp(System.currentTimeMillis())
    val rows = (1 to 12).map(i => Row(s"BUDGET-$i", "mugs", "red mug on beach", 64, 64, 100L + i, null, now))
    spark.createDataFrame(rows.asJava, DemoCatalog.SCHEMA).write.format("delta").save(budgetCatalog)
    def budgetConfig(extra: (String, String)*) = config((Seq(
      "catalog" -> budgetCatalog, "warehouse" -> fixedWarehouse, "images" -> workDir.resolve("budget-images").toString,
      "rates" -> rates, "testing_fixed_clock_step_seconds" -> "1", "embedding_cache" -> "off", "partitions" -> "1",
      "batch_size" -> "4") ++ extra): _*)

    // history from the fixed-clock run above: mugs/int8/64x64 cost exactly 0.00375 per render
    val dry = run(budgetConfig("dry_run" -> "true"))
    assert(dry.rowsOk == 0 && dry.rows.skippedBudget == 12 && math.abs(dry.costs.marginalEur - 12 * 0.00375) < 1e-9)
    assert(spark.read.format("delta").load(fixedWarehouse + "/renders").where(col("sku").startsWith("BUDGET")).count() == 0)

    // 0.04 EUR buys two batches of 4 at 0.015 each (estimate from history), not a third; a row
    // here costs 0.00075 + 0.003 (the template caption spends no tokens)
    val budgeted = run(budgetConfig("budget_eur" -> "0.04"))
    assert(budgeted.rowsOk == 8 && budgeted.rows.skippedBudget == 4 && budgeted.rowsFailed == 0, budgeted)
    // spent: the rows, and the fixed costs as they accrued (the driver's time before rendering,
    // model loads), at most what the run's fixed lines say
    val fixedCharged = budgeted.budget.spentEur - 8 * 0.00375
    assert(fixedCharged > 0 && fixedCharged <= budgeted.costs.fixed.driverEur + budgeted.costs.fixed.modelLoadEur + 1e-12,
      s"charged $fixedCharged of fixed ${budgeted.costs.fixed}")
    assert(budgeted.budget.spentEur <= 0.04)
    val skipped = rendersOf(budgeted.runId, fixedWarehouse).where(col("status") === "skipped_budget").collect()
    assert(skipped.length == 4 && skipped.forall(_.getAs[String]("error").contains("budget")))
    // the skipped rows render in the next run
    val rest = run(budgetConfig())
    assert(rest.rowsOk == 4 && rest.rows.skipped == 8)
  }

  test("a run with unknown rates fails at its start with a clear message") {
    val rates = workDir.resolve("partial-rates.properties")
    Files.writeString(rates, "device.cpu_core.eur_per_hour=0.04\nrun.cpu_device_class=cpu_core\nrun.gpu_device_class=tpu_v5\n")
    val e = intercept[IllegalArgumentException](run(config("rates" -> rates.toString)))
    assert(e.getMessage.startsWith("No rate 'device.tpu_v5.eur_per_hour' in the rates file"), e.getMessage)
  }

  test("a wrong catalog schema or a non-Delta catalog fails fast with a clear message, before any model loads") {
    ModelRegistry.executorWide().closeAll()
    val wrong = workDir.resolve("wrong-catalog").toString
    val schema = new StructType().add("sku", DataTypes.StringType).add("category", DataTypes.StringType)
      .add("prompt", DataTypes.StringType).add("width", DataTypes.StringType).add("height", DataTypes.IntegerType)
      .add("updated_at", DataTypes.TimestampType)
    spark.createDataFrame(Seq(Row("A", "mugs", "red mug", "512", 512, new Timestamp(0))).asJava, schema)
      .write.format("delta").save(wrong)
    val e = intercept[IllegalArgumentException](run(config("catalog" -> wrong)))
    assert(e.getMessage.contains("missing column(s) [seed]"), e.getMessage)
    assert(e.getMessage.contains("column 'width' has type string, expected an integer type"), e.getMessage)

    val parquet = workDir.resolve("parquet-catalog").toString
    spark.createDataFrame(Seq(Row("A", "mugs", "red mug", "512", 512, new Timestamp(0))).asJava, schema)
      .write.mode(SaveMode.Overwrite).parquet(parquet)
    val notDelta = intercept[IllegalArgumentException](run(config("catalog" -> parquet)))
    assert(notDelta.getMessage.contains("is not a Delta table"), notDelta.getMessage)
    val missing = intercept[IllegalArgumentException](run(config("catalog" -> workDir.resolve("nowhere").toString)))
    assert(missing.getMessage.contains("does not exist"), missing.getMessage)
    assert(ModelRegistry.executorWide().loads() == 0)
  }
}
