package com.catalogrender

import com.catalogrender.caption.{FakeGateway, GatewayFlavor}
import com.catalogrender.catalog.DemoCatalog
import com.catalogrender.render.{RenderConfig, RenderRun}
import org.apache.spark.scheduler.{SparkListener, SparkListenerJobStart, SparkListenerTaskStart}
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.sql.Timestamp
import java.util.concurrent.atomic.AtomicLong
import scala.jdk.CollectionConverters._

/**
 * A catalog-scale run with the model's device work simulated: 10,000 rows, 2,000 distinct
 * prompts, captions from a slow gateway. Rendering must start while the gateway is still
 * rewriting (the caption phase is pipelined with the waves), every row must be recorded, and a
 * simulated warehouse must refuse real runs.
 */
class ScaleSuite extends AnyFunSuite with LocalSpark {
  private val rows = 10000
  private val prompts = 2000

  private def config(extra: (String, String)*): RenderConfig =
    RenderConfig.parse((Map(
      "catalog" -> workDir.resolve("catalog").toString,
      "warehouse" -> workDir.resolve("warehouse").toString,
      "images" -> workDir.resolve("images").toString,
      "model_dir" -> modelDir.toString,
      "contact_sheet_size" -> "0",
      "rates" -> root.resolve("conf/rates.properties").toString,
      "caption_rewriter" -> "gateway",
      "gateway.concurrency" -> "8",
      "gateway.timeout_seconds" -> "10",
      "checkpoint_rows" -> "2000",
      "embedding_cache" -> "off"
    ) ++ extra).asJava)

  override protected def beforeAll(): Unit = {
    super.beforeAll()
    val colours = Seq("red", "blue", "green", "white", "black", "yellow")
    val products = Seq("mug", "sneaker", "bottle", "lamp")
    val surfaces = Seq("wood", "marble", "beach")
    val now = new Timestamp(0)
    // 2,000 distinct prompts (a colour, a product, a surface and a numbered variant), 5 rows each
    val catalog = (0 until rows).map { i =>
      val p = i % prompts
      val product = products(p % products.size)
      Row(f"SKU-$i%06d", product + "s", s"${colours(p / 4 % colours.size)} $product on ${surfaces(p / 24 % surfaces.size)} style ${p / 72}",
        32, 32, i.toLong, null, now)
    }
    spark.createDataFrame(catalog.asJava, DemoCatalog.SCHEMA).repartition(4).write.format("delta")
      .save(workDir.resolve("catalog").toString)
  }

  test("10,000 simulated rows: rendering starts before the gateway has answered every prompt") {
    val gateway = new FakeGateway(GatewayFlavor.OPENAI)
    gateway.always(FakeGateway.Reply.slow(40)) // 2,000 prompts x 40 ms / 8 in flight: about 10 s
    val firstRenderTask = new AtomicLong(Long.MaxValue)
    val renderStages = java.util.concurrent.ConcurrentHashMap.newKeySet[Int]()
    val listener = new SparkListener {
      override def onJobStart(job: SparkListenerJobStart): Unit = {
        val description = Option(job.properties).map(_.getProperty("spark.job.description", "")).getOrElse("")
        if (description.contains("render wave")) job.stageIds.foreach(id => renderStages.add(id))
      }
      override def onTaskStart(start: SparkListenerTaskStart): Unit =
        if (renderStages.contains(start.stageId)) firstRenderTask.accumulateAndGet(System.nanoTime(), (a, b) => math.min(a, b))
    }
    val console = new java.util.concurrent.ConcurrentLinkedQueue[String]()
    spark.sparkContext.addSparkListener(listener)
    val summary =
      try new RenderRun(spark, config("gateway.url" -> gateway.url(), "simulate_device_seconds" -> "0.01"), console.add(_))
        .execute("scale test")
      finally { spark.sparkContext.removeSparkListener(listener); gateway.close() }
    console.asScala.foreach(line => info(line))
    assert(summary.rowsOk == rows, s"ok ${summary.rowsOk}, failed ${summary.rowsFailed}")

    val received = gateway.received().asScala
    assert(received.size == prompts, s"${received.size} gateway requests for $prompts distinct prompts")
    val lastRequest = received.map(_.atNanos()).max
    val firstRequest = received.map(_.atNanos()).min
    val started = firstRenderTask.get
    assert(started != Long.MaxValue, "no render task was seen")
    info(f"gateway requests over ${(lastRequest - firstRequest) / 1e9}%.1f s; the first render task started " +
      f"${(started - firstRequest) / 1e9}%.1f s after the first request, ${(lastRequest - started) / 1e9}%.1f s before the last")
    assert(started < lastRequest, "rendering started only after the gateway had answered every prompt")

    val run = spark.read.format("delta").load(workDir.resolve("warehouse/runs").toString).collect().head
    assert(run.getAs[Double]("simulated_device_seconds") == 0.01)
    assert(run.getAs[String]("model_version").endsWith("+simulated-0.01s"))
    val wait = run.getAs[Double]("caption_wait_seconds")
    val captions = run.getAs[Double]("caption_seconds")
    info(f"caption seconds $captions%.1f, rendering waited $wait%.1f s for captions")
    assert(wait < captions, s"rendering waited $wait s for $captions s of captions: nothing overlapped")
    val renders = spark.read.format("delta").load(workDir.resolve("warehouse/renders").toString)
    assert(renders.where(col("status") === "ok").count() == rows)
    assert(renders.select("sku").distinct().count() == rows, "a row was recorded twice")
  }

  test("a warehouse of simulated runs refuses a real run, before anything renders") {
    val error = intercept[IllegalArgumentException] {
      new RenderRun(spark, config("caption_rewriter" -> "template", "limit" -> "8"), (_: String) => ()).execute("real")
    }
    assert(error.getMessage.contains("simulated run(s)"), error.getMessage)
    val runs = spark.read.format("delta").load(workDir.resolve("warehouse/runs").toString)
    assert(runs.count() == 1)
  }
}
