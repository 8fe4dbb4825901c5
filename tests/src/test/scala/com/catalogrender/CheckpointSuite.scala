package com.catalogrender

import com.catalogrender.render.{RenderConfig, RenderRun}
import com.catalogrender.results.RunSummary
import com.catalogrender.tables.{CheckpointCommits, CurrentImagesTable, RendersTable}
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.{col, sum}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.sql.Timestamp
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * Tables people can trust: idempotent checkpoint commits, the live image per SKU, and a driver
 * killed with SIGKILL mid-run whose next run finishes the catalog without paying twice.
 */
class CheckpointSuite extends AnyFunSuite with LocalSpark {
  private def writeRows(path: String, skus: Seq[Int], promptOf: Int => String): Unit = {
    val rows = skus.map(i => Row(f"CK-$i%03d", Seq("mugs", "lamps", "bottles")(i % 3), promptOf(i), 64, 64, 100L + i,
      null, new Timestamp(0)))
    spark.createDataFrame(rows.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA)
      .write.format("delta").mode("overwrite").save(path)
  }

  private def settings(dir: String, catalog: String, extra: (String, String)*): Map[String, String] = Map(
    "catalog" -> catalog,
    "warehouse" -> workDir.resolve(dir).resolve("warehouse").toString,
    "images" -> workDir.resolve(dir).resolve("images").toString,
    "model_dir" -> modelDir.toString,
    "steps" -> "4",
    "batch_size" -> "2",
    "partitions" -> "2",
    "checkpoint_rows" -> "4",
    "embedding_cache" -> "off") ++ extra

  private def run(s: Map[String, String]): RunSummary =
    new RenderRun(spark, RenderConfig.parse(s.asJava), (_: String) => ()).execute("checkpoint test")

  private def table(dir: String, name: String) =
    spark.read.format("delta").load(workDir.resolve(dir).resolve(s"warehouse/$name").toString)

  test("the same checkpoint committed twice adds its rows once; waves may commit in any order") {
    val catalog = workDir.resolve("twice-catalog").toString
    writeRows(catalog, 0 until 4, i => s"red mug on wood $i")
    run(settings("twice", catalog))
    val renders = workDir.resolve("twice/warehouse/renders").toString
    val rows = table("twice", "renders")
    val before = rows.count()
    val again = rows.limit(3)
    val commits = CheckpointCommits.fromNow(spark, renders)
    assert(RendersTable.appendCheckpoint(again, renders, "run-x", 7, commits))
    assert(!RendersTable.appendCheckpoint(again, renders, "run-x", 7, commits)) // a retried commit
    assert(table("twice", "renders").count() == before + 3)
    assert(RendersTable.appendCheckpoint(again, renders, "run-x", 8, commits)) // the next checkpoint is new
    assert(table("twice", "renders").count() == before + 6)
    // two waves in flight: the later wave's commit can land first, the earlier one still counts
    assert(RendersTable.appendCheckpoint(again, renders, "run-x", 5, commits))
    assert(table("twice", "renders").count() == before + 9)
    assert(!RendersTable.appendCheckpoint(again, renders, "run-x", 5, commits))
    // a writer that starts reading the log before the run's commits (a restarted driver) knows them
    val fresh = new CheckpointCommits(spark, renders, 0)
    assert(fresh.committed("run-x", 7) && fresh.committed("run-x", 5) && !fresh.committed("run-x", 6))
    assert(!RendersTable.appendCheckpoint(again, renders, "run-x", 8, fresh))
    assert(table("twice", "renders").count() == before + 9)
    // the run's own waves name their commits too
    val runId = rows.select("run_id").distinct().collect().map(_.getString(0)).filter(_ != "run-x").head
    assert(fresh.committed(runId, 0) && !fresh.committed(runId, 1)) // four rows: one wave
  }

  test("a checkpoint's rows are read back from its own data files, once, for the live images' merge") {
    val catalog = workDir.resolve("files-catalog").toString
    writeRows(catalog, 0 until 4, i => s"blue lamp on linen $i")
    run(settings("files", catalog))
    val renders = workDir.resolve("files/warehouse/renders").toString
    val rows = table("files", "renders")
    val skus = rows.select("sku").collect().map(_.getString(0)).sorted
    val commits = CheckpointCommits.fromNow(spark, renders)
    def checkpoint(n: Int, of: Seq[String]): Unit =
      assert(RendersTable.appendCheckpoint(rows.where(col("sku").isin(of: _*)).withColumn("run_id",
        org.apache.spark.sql.functions.lit("run-y")), renders, "run-y", n, commits))
    checkpoint(0, skus.take(1))
    checkpoint(1, skus.slice(1, 3))
    checkpoint(2, skus.drop(3))
    def skusOf(ds: org.apache.spark.sql.Dataset[Row]) = ds.select("sku").collect().map(_.getString(0)).sorted.toSeq
    // checkpoints 0 and 2: their two rows, not checkpoint 1's two, and the table's columns
    val committed = commits.rowsOf("run-y", Seq(Integer.valueOf(0), Integer.valueOf(2)).asJava)
    assert(committed.records == 2)
    val read = committed.rows
    assert(skusOf(read) == (skus.take(1) ++ skus.drop(3)).toSeq)
    assert(read.columns.toSet == rows.columns.toSet)
    // read once: the merge of a checkpoint already merged, or of one not committed, reads the table
    assert(commits.rowsOf("run-y", Seq(Integer.valueOf(0)).asJava) == null)
    assert(commits.rowsOf("run-y", Seq(Integer.valueOf(3)).asJava) == null)
    assert(skusOf(commits.rowsOf("run-y", Seq(Integer.valueOf(1)).asJava).rows) == skus.slice(1, 3).toSeq)
  }

  test("current_images equals the latest ok render per SKU after changes, failures and deletions") {
    val catalog = workDir.resolve("live-catalog").toString
    val s = settings("live", catalog)
    def check(what: String): Unit = {
      val live = table("live", "current_images")
      val expected = CurrentImagesTable.fromRenders(table("live", "renders"))
      val cols = Seq("sku", "image_uri", "input_hash", "run_id")
      val a = live.select(cols.map(col): _*).collect().toSet
      val b = expected.select(cols.map(col): _*).collect().toSet
      assert(a == b, s"after $what: current_images ${a.size} rows vs window query ${b.size}")
    }
    writeRows(catalog, 0 until 6, i => if (i == 5) "" else s"blue lamp on marble $i") // CK-005 fails
    val first = run(s)
    assert(first.rowsOk == 5 && first.rowsFailed == 1)
    check("a first run with a failed row")
    // the prompts from the second run on: two mugs, three lamps, a bottle
    def prompt(i: Int): String = if (i == 5) "green bottle on beach" else if (i < 2) s"red mug on wood $i" else s"blue lamp on marble $i"
    def removedSkus: Seq[String] = table("live", "current_images").where(col("removed_at").isNotNull).collect().map(_.getAs[String]("sku")).toSeq
    writeRows(catalog, 0 until 6, prompt)
    val second = run(s)
    assert(second.rowsOk == 3, "two prompts changed, the failed row now renders")
    check("changed prompts")
    writeRows(catalog, 1 until 6, prompt)
    assert(run(s).rowsOk == 0)
    check("a deleted SKU")
    assert(removedSkus == Seq("CK-000"), removedSkus)
    writeRows(catalog, 0 until 6, prompt)
    assert(run(s).rowsOk == 0, "the SKU is back with the same inputs: its image is still live")
    assert(removedSkus.isEmpty)
    check("a SKU that came back")
    // a SKU deleted in a run that renders: the search for removed SKUs runs beside its waves
    writeRows(catalog, 0 until 5, i => if (i == 4) "yellow lamp on marble" else prompt(i))
    assert(run(s).rowsOk == 1)
    check("a SKU deleted while another rendered")
    assert(removedSkus == Seq("CK-005"), removedSkus)
    writeRows(catalog, 0 until 6, prompt)
    assert(run(s).rowsOk == 1, "the lamp's prompt is back: it renders again, and CK-005 came back")
    assert(removedSkus.isEmpty)
    check("a SKU that came back while another rendered")
  }

  test("live images merged after every committed wave (checkpoint_seconds=0) end equal to the latest ok render per SKU") {
    val catalog = workDir.resolve("merged-catalog").toString
    writeRows(catalog, 0 until 16, i => Seq("red mug on wood", "blue lamp on marble", "white bottle on beach")(i % 4 % 3) + s" $i")
    val summary = run(settings("merged", catalog, "checkpoint_rows" -> "2", "checkpoint_seconds" -> "0"))
    assert(summary.rowsOk == 16)
    val merges = summary.work.phaseSeconds.asScala.filter(_._1.startsWith("merge "))
    assert(merges.nonEmpty && merges.values.map(_.doubleValue).sum > 0, summary.work.phaseSeconds)
    val cols = Seq("sku", "image_uri", "input_hash", "run_id")
    val live = table("merged", "current_images").select(cols.map(col): _*).collect().toSet
    val expected = CurrentImagesTable.fromRenders(table("merged", "renders")).select(cols.map(col): _*).collect().toSet
    assert(live.size == 16 && live == expected, s"current_images ${live.size} rows vs window query ${expected.size}")
    info(merges.map { case (k, v) => f"$k ${v.doubleValue}%.1f s" }.mkString(", "))
  }

  test("a driver killed (SIGKILL) after two checkpoints: the next run finishes the catalog, nothing twice, nothing paid twice") {
    val catalog = workDir.resolve("crash-catalog").toString
    writeRows(catalog, 0 until 24, i => Seq("red mug on wood", "blue lamp on marble", "white bottle on beach")(i % 3) + s" $i")
    val s = settings("crash", catalog, "steps" -> "25", "testing_fixed_clock_step_seconds" -> "0.5", "partitions" -> "1")
    val conf = workDir.resolve("crash.properties")
    Files.writeString(conf, (s - "catalog" - "warehouse" - "images").map { case (k, v) => s"$k=$v" }.mkString("\n"))
    val log = workDir.resolve("crash.log")
    val command = Seq("bash", root.resolve("submit.sh").toString, "render", "--master", "local[2]",
      "--catalog", catalog, "--warehouse", s("warehouse"), "--images", s("images"), "--settings", conf.toString,
      "--spark-conf", "spark.ui.enabled=false")
    val process = new ProcessBuilder(command.asJava).redirectErrorStream(true).redirectOutput(log.toFile).start()
    val deltaLog = Path.of(s("warehouse"), "renders", "_delta_log")
    def commits: Int = if (!Files.isDirectory(deltaLog)) 0 else Files.list(deltaLog).filter(_.toString.endsWith(".json")).count().toInt
    def pngs: Long = if (!Files.isDirectory(Path.of(s("images")))) 0 else
      Files.list(Path.of(s("images"))).filter(_.toString.endsWith(".png")).count()
    // kill after two checkpoints, once the wave in flight has uploaded an image it has not recorded.
    // The committed rows are read from the same listing of the log as the commits (the add
    // actions' numRecords: no Spark job, which took long enough for waves to commit meanwhile and
    // make their images look unrecorded), and the images are counted after them: ready only while
    // no commit came in between
    val deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4)
    val numRecords = "\"numRecords\":(\\d+)".r
    def committed: (Int, Long) = if (!Files.isDirectory(deltaLog)) (0, 0L) else {
      val jsons = Files.list(deltaLog).iterator().asScala.filter(_.toString.endsWith(".json")).toList
      (jsons.size, jsons.map(f => numRecords.findAllMatchIn(Files.readString(f)).map(_.group(1).toLong).sum).sum)
    }
    def ready: Boolean = {
      val (atStart, rows) = committed
      atStart >= 2 && pngs > rows && commits == atStart
    }
    while (!ready && process.isAlive && System.nanoTime() < deadline) Thread.sleep(20)
    assert(process.isAlive, "the run ended before two checkpoints:\n" + Files.readString(log).takeRight(3000))
    process.destroyForcibly() // SIGKILL: no shutdown hooks, no finally
    assert(process.waitFor(30, TimeUnit.SECONDS))
    val checkpointsBefore = commits
    val committedBefore = table("crash", "renders").count()
    val images = Files.list(Path.of(s("images"))).filter(_.toString.endsWith(".png")).count()
    def markers = Files.list(Path.of(s("warehouse"), "_runs_in_progress")).filter(!_.getFileName.toString.startsWith(".")).count()
    assert(markers == 1, "the killed run's marker stays")

    val resumed = run(s)
    val renders = table("crash", "renders")
    val runs = table("crash", "runs").where(col("run_id") === resumed.runId).first()
    val adopted = runs.getAs[Long]("rows_adopted")
    // every input row has exactly one ok or failed row across the two runs
    val perSku = renders.where(col("status").isin("ok", "failed")).groupBy("sku").count().collect()
    assert(perSku.length == 24 && perSku.forall(_.getLong(1) == 1), perSku.mkString(", "))
    assert(resumed.rowsOk + committedBefore == 24)
    // device cost: no more than one full render plus the batch in flight (a fixed clock: every row costs the same)
    val device = renders.agg(sum(col("cost_text_encoder_eur") + col("cost_unet_eur") + col("cost_vae_eur"))).first().getDouble(0)
    val perRow = renders.where(!col("adopted")).select(col("cost_unet_eur") + col("cost_text_encoder_eur") + col("cost_vae_eur")).first().getDouble(0)
    info(f"crash: $committedBefore rows committed in $checkpointsBefore checkpoints before the kill, $images images on disk; resumed: " +
      f"${resumed.rowsOk} ok of which $adopted adopted, ${resumed.rowsOk - adopted} rendered; device EUR both runs $device%.9f " +
      f"vs one full render ${24 * perRow}%.9f; marginal EUR resumed run ${resumed.costs.marginalEur}%.9f")
    assert(device <= (24 + 2) * perRow + 1e-12)
    assert(adopted >= 1, "the image uploaded but not recorded before the kill was adopted")
    assert(renders.where(col("adopted")).count() == adopted)
    assert(markers == 0, "the resumed run removed the marker")
    assert(table("crash", "current_images").count() == 24)
  }
}
