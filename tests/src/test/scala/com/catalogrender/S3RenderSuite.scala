package com.catalogrender

import com.catalogrender.render.{RenderConfig, RenderRun}
import com.catalogrender.runtime.ModelRegistry
import org.apache.hadoop.fs.Path
import org.apache.spark.sql.{Row, SparkSession}
import org.apache.spark.sql.functions.col
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path => JPath}
import java.sql.Timestamp
import java.util.Comparator
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/**
 * Images and Delta tables on a real S3-compatible server through s3a: multipart uploads, reading
 * back, and a task attempt killed after it uploaded images, whose retry leaves one object per row.
 */
class S3RenderSuite extends AnyFunSuite with BeforeAndAfterAll {
  private val root = JPath.of(sys.props.getOrElse("catalogrender.root", "..")).toAbsolutePath.normalize
  private val workDir = Files.createTempDirectory("s3-render")
  private val server = new S3ProxyServer(workDir)
  private var spark: SparkSession = _
  private val bucket = "catalog-render"

  override protected def beforeAll(): Unit = {
    server.start()
    server.client().createBucket(bucket)
    val builder = SparkSession.builder()
      .master("local[2,4]") // 2 threads, a task may fail 4 times
      .appName("S3RenderSuite")
      .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
      .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
      .config("spark.sql.shuffle.partitions", "4")
      .config("spark.databricks.delta.snapshotPartitions", "2")
      .config("spark.ui.enabled", "false")
    server.sparkConf.foreach { case (k, v) => builder.config(k, v) }
    spark = builder.getOrCreate()
  }

  override protected def afterAll(): Unit = {
    try {
      ModelRegistry.executorWide().closeAll()
      if (spark != null) spark.stop()
      server.stop()
    } finally {
      val walk = Files.walk(workDir)
      try walk.sorted(Comparator.reverseOrder[JPath]()).forEach(p => Files.deleteIfExists(p)) finally walk.close()
    }
  }

  test("a run writes images and tables to s3a, multipart included, and a killed task attempt leaves one object per row") {
    val catalog = s"s3a://$bucket/catalog"
    val now = new Timestamp(System.currentTimeMillis())
    val rows = (1 to 6).map(i => Row(f"S3-$i%03d", "mugs", "red mug on beach", 256, 256, i.toLong, null, now)) :+
      Row("S3-BIG", "boxes", "blue box on marble", 4096, 4096, 99L, null, now) // > 5 MB: multipart
    spark.createDataFrame(rows.asJava, com.catalogrender.catalog.DemoCatalog.SCHEMA).write.format("delta").save(catalog)

    val config = RenderConfig.parse(Map(
      "catalog" -> catalog,
      "warehouse" -> s"s3a://$bucket/warehouse",
      "images" -> s"s3a://$bucket/images",
      "model_dir" -> root.resolve("models/demo").toString,
      "steps" -> "4",
      "batch_size" -> "2",
      "partitions" -> "2",
      "testing_fail_first_attempt_after_rows" -> "1",
      "rates" -> root.resolve("conf/rates.properties").toString
    ).asJava)
    val failedAttempts = new java.util.concurrent.atomic.AtomicInteger()
    val listener = new org.apache.spark.scheduler.SparkListener {
      override def onTaskEnd(end: org.apache.spark.scheduler.SparkListenerTaskEnd): Unit =
        if (end.reason != org.apache.spark.Success) failedAttempts.incrementAndGet()
    }
    spark.sparkContext.addSparkListener(listener)
    val summary = try new RenderRun(spark, config, (_: String) => ()).execute("s3 test")
    finally spark.sparkContext.removeSparkListener(listener)
    assert(failedAttempts.get() >= 1, "the injected task failure did not happen")
    assert(summary.rowsTotal == 7 && summary.rowsOk == 7 && summary.rowsFailed == 0)

    val renders = spark.read.format("delta").load(s"s3a://$bucket/warehouse/renders").where(col("run_id") === summary.runId)
    assert(renders.count() == 7 && renders.select("sku").distinct().count() == 7)

    val s3 = server.client()
    val objects = s3.listObjectsV2(bucket, "images/").getObjectSummaries.asScala.map(_.getKey)
    val imagesOnly = objects.filterNot(_.contains("contact-sheet"))
    assert(imagesOnly.size == 7, "exactly one object per row:\n" + objects.mkString("\n"))
    assert(!objects.exists(_.contains(".tmp-")), objects.mkString("\n"))
    val big = renders.where(col("sku") === "S3-BIG").select("image_uri", "image_bytes").first()
    val bigKey = new Path(big.getString(0)).toUri.getPath.stripPrefix("/")
    val metadata = s3.getObjectMetadata(bucket, bigKey)
    assert(big.getLong(1) > 5L * 1024 * 1024, s"big image is only ${big.getLong(1)} bytes")
    assert(metadata.getETag.contains("-"), s"expected a multipart etag, got ${metadata.getETag}")
    assert(metadata.getContentLength == big.getLong(1))

    // read one back through s3a
    val small = renders.where(col("sku") === "S3-001").select("image_uri").first().getString(0)
    val path = new Path(small)
    val in = path.getFileSystem(spark.sparkContext.hadoopConfiguration).open(path)
    val image = try ImageIO.read(in) finally in.close()
    assert(image.getWidth == 256 && image.getHeight == 256)
    val runs = spark.read.format("delta").load(s"s3a://$bucket/warehouse/runs").where(col("run_id") === summary.runId)
    assert(runs.count() == 1)
    // Spark's listener saw the failed attempt the accumulators cannot: its seconds are waste
    val run = runs.first()
    assert(run.getAs[Long]("spark_failed_attempts") == failedAttempts.get(), run)
    assert(run.getAs[Double]("wasted_seconds") > 0 && run.getAs[Double]("wasted_eur") > 0, run)
    assert(run.getAs[String]("wasted_reasons").contains("injected"), run.getAs[String]("wasted_reasons"))
    assert(run.getAs[Double]("spark_task_seconds") > run.getAs[Double]("wasted_seconds"))
    assert(run.getAs[Double]("all_in_cost_per_render_eur") > run.getAs[Double]("cost_per_render_eur"))
    println(f"[s3] attempts ${run.getAs[Long]("spark_task_attempts")}, failed ${run.getAs[Long]("spark_failed_attempts")}, " +
      f"wasted ${run.getAs[Double]("wasted_seconds")}%.2f s = EUR ${run.getAs[Double]("wasted_eur")}%.8f " +
      f"(${run.getAs[String]("wasted_reasons")}); per render: marginal EUR ${run.getAs[Double]("cost_per_render_eur")}%.8f, " +
      f"all-in EUR ${run.getAs[Double]("all_in_cost_per_render_eur")}%.8f")
  }
}
