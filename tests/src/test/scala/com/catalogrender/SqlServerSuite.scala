package com.catalogrender

import com.catalogrender.measure.{Stage, StageValues}
import com.catalogrender.results.{RenderResult, RenderStatus}
import com.catalogrender.tables.RendersTable
import com.catalogrender.jobs.SqlServerCommand
import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.net.ServerSocket
import java.nio.file.{Files, Path}
import java.sql.{DriverManager, Timestamp}
import java.util.Comparator
import scala.jdk.CollectionConverters._

/** `sql-server`: the Thrift JDBC server answers the Hive JDBC driver over renders and the cost views. */
class SqlServerSuite extends AnyFunSuite with BeforeAndAfterAll {
  private val workDir = Files.createTempDirectory("sql-server")
  private var spark: SparkSession = _

  override protected def beforeAll(): Unit = {
    spark = SparkSession.builder()
      .master("local[2]")
      .appName("SqlServerSuite")
      .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
      .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
      .config(SqlServerCommand.SINGLE_SESSION, "true")
      .config("spark.sql.shuffle.partitions", "2")
      .config("spark.ui.enabled", "false")
      .config("spark.sql.warehouse.dir", workDir.resolve("spark-warehouse").toString)
      .config("spark.hadoop.javax.jdo.option.ConnectionURL", s"jdbc:derby:;databaseName=${workDir.resolve("metastore")};create=true")
      .getOrCreate()
  }

  override protected def afterAll(): Unit = {
    try if (spark != null) spark.stop()
    finally {
      val walk = Files.walk(workDir)
      try walk.sorted(Comparator.reverseOrder[Path]()).forEach(p => Files.deleteIfExists(p)) finally walk.close()
    }
  }

  private def row(sku: String, status: String, unet: Double, cost: Double) = {
    val seconds = new java.util.EnumMap[Stage, java.lang.Double](classOf[Stage])
    Stage.values.foreach(stage => seconds.put(stage, 0.1))
    seconds.put(Stage.UNET, unet)
    RendersTable.row(new RenderResult(
      new RenderResult.Identity("run-1", sku, "mugs", "h" + sku, "demo", "1.0.0", "int8", null),
      new RenderResult.Placement("cpu", null, "cpu_core", "driver"),
      new RenderResult.Outcome(RenderStatus.values.find(_.label == status).get, null, null, 0L, false),
      64L, 64L, 1L, new RenderResult.CaptionUse("c", "template", "template", null, 0L, 0L), java.lang.Boolean.FALSE, 4,
      StageValues.of(seconds), 1L, StageValues.of(Stage.UNET, cost), new Timestamp(0)))
  }

  test("beeline's driver queries renders and stage_breakdown through the JDBC server") {
    val warehouse = workDir.resolve("warehouse").toString
    spark.createDataFrame(Seq(row("A", "ok", 1.0, 0.003), row("B", "ok", 3.0, 0.001), row("C", "failed", 0, 0)).asJava,
      RendersTable.SCHEMA).write.format("delta").save(warehouse + "/renders")
    val port = { val s = new ServerSocket(0); try s.getLocalPort finally s.close() }
    val server = SqlServerCommand.start(Array("--warehouse", warehouse, "--port", port.toString), spark)
    try {
      Class.forName("org.apache.hive.jdbc.HiveDriver")
      val connection = DriverManager.getConnection(s"jdbc:hive2://127.0.0.1:$port/default", "test", "")
      try {
        val statement = connection.createStatement()
        val counts = statement.executeQuery("select status, count(*) as n from renders group by status order by status")
        val seen = Iterator.continually(counts).takeWhile(_.next()).map(r => r.getString(1) -> r.getLong(2)).toMap
        assert(seen == Map("failed" -> 1L, "ok" -> 2L))
        val unet = statement.executeQuery("select share_of_time, share_of_cost from stage_breakdown where stage = 'unet'")
        assert(unet.next())
        assert(math.abs(unet.getDouble(2) - 1.0) < 1e-9) // only the UNet cost anything
        assert(unet.getDouble(1) > 0.5 && unet.getDouble(1) < 1.0)
      } finally connection.close()
    } finally server.stop()
  }
}
