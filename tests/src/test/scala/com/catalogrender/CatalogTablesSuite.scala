package com.catalogrender

import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.sql.Timestamp
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * Tables other tools can use: `render --database` registers the warehouse's tables in Spark's
 * catalog (an embedded Derby metastore under the warehouse) with the views of views.sql as
 * persistent views; a later, separate process that only points Spark at that metastore (no
 * --warehouse, no --database, nothing registered by the project) reads them by name.
 */
class CatalogTablesSuite extends AnyFunSuite with LocalSpark {
  private def submit(name: String, args: String*): (Int, String) = {
    val log = workDir.resolve(name + ".log")
    val command = Seq("bash", root.resolve("submit.sh").toString) ++ args
    val process = new ProcessBuilder(command.asJava).redirectErrorStream(true).redirectOutput(log.toFile).start()
    assert(process.waitFor(6, TimeUnit.MINUTES), s"$name did not finish")
    (process.exitValue(), Files.readString(log))
  }

  test("render --database: catalog tables and persistent views another session reads by name") {
    val catalog = workDir.resolve("catalog").toString
    val rows = (0 until 6).map(i => Row(f"DB-$i%03d", Seq("mugs", "lamps")(i % 2),
      Seq("red mug on wood", "blue lamp on marble")(i % 2) + s" $i", 64, 64, 10L + i, null, new Timestamp(0)))
    spark.createDataFrame(rows.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA).write.format("delta").save(catalog)
    val warehouse = workDir.resolve("warehouse").toString
    val (code, out) = submit("render", "render", "--master", "local[2]", "--catalog", catalog, "--warehouse", warehouse,
      "--images", workDir.resolve("images").toString, "--model-dir", modelDir.toString, "--steps", "4",
      "--database", "shop", "--spark-conf", "spark.ui.enabled=false")
    assert(code == 0, out.takeRight(4000))
    assert(Files.isDirectory(Path.of(warehouse, "_metastore", "metastore_db")), "the embedded metastore lives under the warehouse")

    // another process: plain Spark SQL on the same metastore; the project registers nothing
    val metastore = Seq(
      "--spark-conf", "spark.sql.catalogImplementation=hive",
      "--spark-conf", s"spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$warehouse/_metastore/metastore_db;create=false",
      "--spark-conf", "spark.ui.enabled=false")
    val elsewhere = workDir.resolve("no-warehouse-here").toString
    val (listed, tables) = submit("show", Seq("sql", "--master", "local[1]", "--warehouse", elsewhere, "--format", "csv",
      "show tables in shop") ++ metastore: _*)
    assert(listed == 0, tables.takeRight(4000))
    for (name <- Seq("renders", "runs", "current_images", "cost_per_render", "stage_breakdown", "cache_efficiency",
      "failures", "run_costs", "estimate_error", "live_images"))
      assert(tables.split("[\r\n]+").exists(_.matches(s"shop,$name,false")), s"$name missing in:\n$tables")
    val (queried, breakdown) = submit("query", Seq("sql", "--master", "local[1]", "--warehouse", elsewhere, "--format", "csv",
      "select stage, round(share_of_cost, 6) as share from shop.stage_breakdown order by stage") ++ metastore: _*)
    assert(queried == 0, breakdown.takeRight(4000))
    // stdout carries Spark's log lines too: read the rows by their shape (a stage nothing was
    // spent in, the cache without one, has a null share)
    // (Spark's progress bar shares the first row's line, ended by a carriage return)
    val shares = breakdown.split("[\r\n]+").iterator.filter(_.matches("[a-z_]+,[0-9.E-]*"))
      .map(_.split(",", -1)).map(a => a(0) -> (if (a(1).isEmpty) 0.0 else a(1).toDouble)).toMap
    assert(shares.keySet == Set("caption", "cache", "text_encoder", "unet", "vae", "post", "io"), breakdown.takeRight(2000))
    assert(math.abs(shares.values.sum - 1) < 1e-4 && shares("unet") > 0.3, shares)
    val (counted, live) = submit("live", Seq("sql", "--master", "local[1]", "--warehouse", elsewhere, "--format", "csv",
      "select count(*) as live from shop.live_images") ++ metastore: _*)
    assert(counted == 0 && live.split("[\r\n]+").contains("6"), live.takeRight(2000))
    info(s"shop: ${shares.size} stages, unet share of cost ${shares("unet")}; 6 live images read by name in a separate session")
  }
}
