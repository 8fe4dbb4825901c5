package com.catalogrender

import com.catalogrender.render.{RenderConfig, RenderRun}
import com.catalogrender.results.RunSummary
import com.catalogrender.tables.VersionedSchema
import _root_.io.delta.tables.DeltaTable
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.sql.Timestamp
import scala.jdk.CollectionConverters._

/**
 * Tables with explicit, versioned schemas: new tables carry their version and `renders` is
 * partitioned by run date; an older table evolves once, keeping its rows; a table of another
 * schema stops the run before anything renders; `maintain` compacts and vacuums, but never while a
 * run is in progress.
 */
class TableSchemaSuite extends AnyFunSuite with LocalSpark {
  override protected def extraSparkConf: Map[String, String] =
    Map("spark.databricks.delta.retentionDurationCheck.enabled" -> "false")

  private def writeRows(path: String, rows: Int): Unit = {
    val data = (0 until rows).map(i => Row(f"TS-$i%03d", Seq("mugs", "lamps")(i % 2),
      Seq("red mug on wood", "blue lamp on marble")(i % 2) + s" $i", 64, 64, 300L + i, null, new Timestamp(0)))
    spark.createDataFrame(data.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA)
      .write.format("delta").mode("overwrite").save(path)
  }

  private def settings(dir: String, extra: (String, String)*): Map[String, String] = Map(
    "catalog" -> workDir.resolve("catalog").toString,
    "warehouse" -> workDir.resolve(dir).resolve("warehouse").toString,
    "images" -> workDir.resolve(dir).resolve("images").toString,
    "model_dir" -> modelDir.toString,
    "steps" -> "3",
    "batch_size" -> "2",
    "partitions" -> "2",
    "checkpoint_rows" -> "2",
    "embedding_cache" -> "off") ++ extra

  private def run(s: Map[String, String]): RunSummary =
    new RenderRun(spark, RenderConfig.parse(s.asJava), (_: String) => ()).execute("schema test")

  private def path(dir: String, table: String) = workDir.resolve(dir).resolve("warehouse").resolve(table).toString

  private def detail(p: String): Row = DeltaTable.forPath(spark, p).detail().first()

  private def version(p: String): String = detail(p).getJavaMap[String, String](detail(p).fieldIndex("properties"))
    .asScala.getOrElse(VersionedSchema.PROPERTY, "(none)")

  private def pngs(dir: String): Long = {
    val images = workDir.resolve(dir).resolve("images")
    if (!Files.isDirectory(images)) 0 else Files.list(images).filter(_.toString.endsWith(".png")).count()
  }

  /** A renders table as catalog-render wrote it before schema versions: no run_date, no property. */
  private def legacy(from: String, to: String, change: org.apache.spark.sql.DataFrame => org.apache.spark.sql.DataFrame): Unit =
    change(spark.read.format("delta").load(from).drop("run_date")).write.format("delta").save(to)

  test("a warehouse given as a relative path (the demo's out/demo/warehouse) is created and versioned") {
    // Delta names a path table delta.`path` and refused a relative one as an invalid table name
    writeRows(workDir.resolve("catalog").toString, 4)
    val relative = Path.of("").toAbsolutePath.relativize(workDir.resolve("relative").resolve("warehouse")).toString
    assert(!Path.of(relative).isAbsolute, relative)
    val first = run(settings("relative") + ("warehouse" -> relative))
    assert(first.rowsOk == 4)
    assert(version(path("relative", "renders")) == "2")
    assert(version(path("relative", "current_images")) == "1")
  }

  test("a new warehouse's tables carry their schema version; renders is partitioned by run date") {
    writeRows(workDir.resolve("catalog").toString, 6)
    val first = run(settings("fresh"))
    assert(first.rowsOk == 6)
    val renders = path("fresh", "renders")
    assert(detail(renders).getList[String](detail(renders).fieldIndex("partitionColumns")).asScala == Seq("run_date"))
    assert(version(renders) == "2")
    assert(version(path("fresh", "runs")) == "2") // 2: caption and wait seconds, simulated runs, driver phases
    assert(version(path("fresh", "current_images")) == "1")
    val day = java.time.LocalDate.parse(first.runId.take(8), java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
    val dates = spark.read.format("delta").load(renders).select("run_date").distinct().collect().map(_.getDate(0).toLocalDate)
    assert(dates.toSeq == Seq(day))
    assert(Files.isDirectory(Path.of(renders, s"run_date=$day")), "files under the run date's partition")
  }

  test("an older renders table evolves once to the declared version and keeps its rows") {
    legacy(path("fresh", "renders"), path("older", "renders"), identity)
    assert(version(path("older", "renders")) == "(none)")
    val same = run(settings("older"))
    assert(same.rowsOk == 0, "the old rows' fingerprints still count: nothing renders again")
    assert(version(path("older", "renders")) == "2")
    val changed = run(settings("older", "steps" -> "4"))
    assert(changed.rowsOk == 6)
    val rows = spark.read.format("delta").load(path("older", "renders"))
    assert(rows.count() == 12)
    assert(rows.where(col("run_date").isNull).count() == 6, "rows written before the column keep null")
    assert(rows.where(col("run_id") === changed.runId && col("run_date").isNotNull).count() == 6)
  }

  test("a renders table with a column this version does not know stops the run before anything renders") {
    legacy(path("fresh", "renders"), path("newer", "renders"), _.withColumn("render_priority", org.apache.spark.sql.functions.lit(1)))
    val error = intercept[IllegalStateException](run(settings("newer", "steps" -> "5")))
    assert(error.getMessage.contains("render_priority"), error.getMessage)
    assert(error.getMessage.contains("another --warehouse"), error.getMessage)
    assert(pngs("newer") == 0, "nothing rendered (nothing paid) before the refusal")
  }

  test("a table recorded at this version but missing its columns is refused, naming them") {
    legacy(path("fresh", "renders"), path("drifted", "renders"), _.drop("adopted"))
    spark.sql(s"ALTER TABLE delta.`${path("drifted", "renders")}` SET TBLPROPERTIES ('${VersionedSchema.PROPERTY}' = '2')")
    spark.sql(s"ALTER TABLE delta.`${path("drifted", "renders")}` ADD COLUMNS (run_date date)")
    val error = intercept[IllegalStateException](run(settings("drifted", "steps" -> "5")))
    assert(error.getMessage.contains("adopted") && error.getMessage.contains("version 2"), error.getMessage)
    assert(pngs("drifted") == 0)
  }

  test("maintain compacts and vacuums, and vacuums nothing while a run is in progress") {
    val warehouse = workDir.resolve("fresh").resolve("warehouse")
    val renders = warehouse.resolve("renders")
    def onDisk: Long = { val w = Files.walk(renders); try w.filter(_.toString.endsWith(".parquet")).count() finally w.close() }
    def live: Long = detail(renders.toString).getAs[Long]("numFiles")
    val before = live
    assert(before >= 3, s"one file per checkpoint wave: $before")
    val marker = warehouse.resolve("_runs_in_progress").resolve("20991231-000000-abcdef")
    Files.createDirectories(marker.getParent)
    Files.createFile(marker)
    val (code, printed) = cli("maintain", "--warehouse", warehouse.toString, "--retention-hours", "0")
    assert(code == 0, printed)
    info(printed.linesIterator.filter(_.contains("files")).mkString("; "))
    assert(printed.contains("vacuum skipped") && printed.contains("20991231-000000-abcdef"), printed)
    assert(live == 1, s"compacted to one file per partition: $live")
    assert(onDisk >= before + 1, "nothing removed while the run is in progress")
    Files.delete(marker)
    val (again, printedAgain) = cli("maintain", "--warehouse", warehouse.toString, "--retention-hours", "0")
    assert(again == 0, printedAgain)
    assert(printedAgain.contains("vacuumed"), printedAgain)
    assert(onDisk == live, s"only the live files remain: $onDisk on disk, $live live")
    assert(spark.read.format("delta").load(renders.toString).count() == 6, "no row lost")
  }
}
