package com.catalogrender

import org.apache.hadoop.fs.{Path => HPath}
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/**
 * catalog-render as a user deploys it: an unmodified Spark 3.5 (StandaloneCluster: Spark's own jars
 * only, `bin/spark-submit` through Spark's launcher), a Master and two Workers, and everything the
 * job reads or writes on an S3-compatible server - the catalog, the warehouse, the images, the
 * settings file AND the model. `./submit.sh render` with SPARK_HOME set is submitted in client and
 * in cluster deploy mode (the same commands as the README's cluster section); the application jar
 * is all the cluster gets of the project.
 */
class StockSparkSuite extends AnyFunSuite with LocalSpark {
  private val rows = 16
  private val bucket = "stock-spark"
  private lazy val s3 = new S3ProxyServer(Files.createDirectories(workDir.resolve("s3")))
  private lazy val cluster = new StandaloneCluster(root, Files.createDirectories(workDir.resolve("cluster")), 2, 2, 0)
  private val catalog = s"s3a://$bucket/catalog"
  private val model = s"s3a://$bucket/models/demo"
  private val settings = s"s3a://$bucket/conf/render.properties"

  override protected def extraSparkConf: Map[String, String] = s3.sparkConf

  override protected def beforeAll(): Unit = {
    s3.start()
    super.beforeAll()
    val client = s3.client()
    client.createBucket(bucket)
    // the model directory uploaded as a user would (aws s3 cp --recursive models/demo ...)
    val files = Files.list(modelDir); try files.iterator().asScala.filter(Files.isRegularFile(_)).foreach { f =>
      client.putObject(bucket, s"models/demo/${f.getFileName}", f.toFile)
    } finally files.close()
    client.putObject(bucket, "conf/render.properties",
      "steps=6\nbatch_size=4\npartitions=4\ncontact_sheet_size=0\n")
    writeCatalog(catalog, rows, "STOCK", Seq("red", "blue", "green", "yellow"), 2000L)
    cluster.start()
  }

  override protected def afterAll(): Unit =
    try cluster.stop() finally try super.afterAll() finally s3.stop()

  /** `./submit.sh COMMAND ARGS` with SPARK_HOME set to the stock Spark; returns (exit code, output). */
  private def submit(name: String, command: String, args: Seq[String]): (Int, String) = {
    val s3Conf = s3.sparkConf.toSeq.flatMap { case (k, v) => Seq("--spark-conf", s"$k=$v") }
    val line = Seq("bash", root.resolve("submit.sh").toString, command) ++ args ++ s3Conf ++
      Seq("--spark-conf", "spark.ui.enabled=false", "--spark-conf", "spark.driver.host=127.0.0.1")
    val log = workDir.resolve(s"$name.log")
    val builder = new ProcessBuilder(line.asJava).redirectErrorStream(true).redirectOutput(log.toFile)
    builder.environment().put("SPARK_HOME", cluster.sparkHome.toString)
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1")
    builder.environment().remove("CATALOG_RENDER_MODEL_CACHE")
    val started = System.nanoTime()
    val process = builder.start()
    try {
      assert(process.waitFor(8, TimeUnit.MINUTES), s"$name did not finish; see $log")
      println(f"[stock-spark] $name: exit ${process.exitValue()} after ${(System.nanoTime() - started) / 1e9}%.0f s")
      (process.exitValue(), Files.readString(log))
    } finally process.destroyForcibly()
  }

  private def render(name: String, deployMode: String): (Int, String) =
    submit(name, "render", Seq("--master", cluster.masterUrl, "--deploy-mode", deployMode,
      "--catalog", catalog, "--warehouse", s"s3a://$bucket/$name/warehouse", "--images", s"s3a://$bucket/$name/images",
      "--model-dir", model, "--settings", settings,
      "--spark-conf", "spark.executor.cores=1", "--spark-conf", "spark.cores.max=2",
      "--spark-conf", "spark.executor.memory=1g", "--spark-conf", "spark.driver.memory=1g"))

  private def table(name: String, which: String): DataFrame =
    spark.read.format("delta").load(s"s3a://$bucket/$name/warehouse/$which")

  /** @param fetches how many executors copy the model in this run (0: their caches are warm) */
  private def checkRun(name: String, code: Int, output: String, fetches: Long): Unit = {
    assert(code == 0, output.takeRight(6000) + driverLogs)
    val renders = table(name, "renders").collect()
    assert(renders.length == rows, s"${renders.length} result rows for $rows input rows")
    assert(renders.map(_.getAs[String]("sku")).distinct.length == rows)
    assert(renders.forall(_.getAs[String]("status") == "ok"), renders.map(_.getAs[String]("error")).distinct.toSeq)
    val executors = renders.map(_.getAs[String]("executor_id")).distinct
    assert(executors.length == 2 && !executors.contains("driver"), executors.toSeq)

    // images readable over s3a
    val uri = new HPath(renders.head.getAs[String]("image_uri"))
    assert(uri.toUri.getScheme == "s3a", uri)
    val in = uri.getFileSystem(spark.sparkContext.hadoopConfiguration).open(uri)
    val image = try ImageIO.read(in) finally in.close()
    assert(image != null && image.getWidth == 64)

    val run = table(name, "runs").collect().head
    val devices = renders.map(r => (r.getAs[String]("executor_id"), r.getAs[String]("device"))).distinct.length
    assert(run.getAs[Long]("executors") == 2)
    assert(run.getAs[Long]("model_loads") == devices && devices == 2,
      s"model loads ${run.getAs[Long]("model_loads")}, executors x devices $devices")
    assert(run.getAs[Long]("model_fetches") == fetches,
      s"model fetched ${run.getAs[Long]("model_fetches")} times by 2 executors, expected $fetches")
    assert(run.getAs[Long]("model_cache_bytes") > 10L * 1024 * 1024, run)
    assert(run.getAs[Map[String, String]]("config")("steps") == "6", "the settings file on s3a was read")
    println(f"[stock-spark] $name: ${executors.length} executors, ${run.getAs[Long]("model_loads")} model loads, " +
      f"model fetched ${run.getAs[Long]("model_fetches")} times in ${run.getAs[Double]("model_fetch_seconds")}%.2f s " +
      f"(${run.getAs[Long]("model_cache_bytes")} bytes each), $rows rows, ${run.getAs[Double]("wall_seconds")}%.1f s wall")
  }

  private def driverLogs: String = {
    val work = workDir.resolve("cluster")
    val logs = Files.walk(work); try logs.iterator().asScala
      .filter(p => p.getFileName.toString == "stderr" && p.toString.contains("driver-")).toList
      .map(p => s"\n--- $p\n" + Files.readString(p).takeRight(4000)).mkString finally logs.close()
  }

  test("the cluster is a stock Spark: no project jar in its jars/") {
    val jars = cluster.jarNames
    assert(jars.exists(_.startsWith("spark-core_2.12-3.5")) && jars.exists(_.startsWith("hadoop-client-api-3.3.4")))
    assert(jars.forall(!_.matches(cluster.projectJarPattern)), jars.filter(_.matches(cluster.projectJarPattern)))
  }

  test("client deploy mode: every row rendered, images over s3a, the model fetched once per executor") {
    val (code, output) = render("client", "client")
    checkRun("client", code, output, fetches = 2)
    assert(!output.contains("NNPACK"), "libtorch warnings on the console")
    // each worker ("machine") has the model in its own cache
    for (w <- 0 until 2) {
      val cached = Files.list(cluster.modelCache(w)); try assert(cached.iterator().asScala.exists(_.getFileName.toString.startsWith("catalog-render-demo")))
      finally cached.close()
    }
  }

  test("cluster deploy mode: the driver runs on a worker and reads nothing from a working directory; the executors' model caches are reused") {
    val (code, output) = render("cluster", "cluster")
    // the same two "machines" as the client-mode run: their model caches are reused, not refetched
    checkRun("cluster", code, output, fetches = 0)
    assert(cluster.jarNames.forall(!_.matches(cluster.projectJarPattern)), "a project jar reached the cluster's jars/")
  }

  test("exit codes: a usage error is 2, before Spark starts; a failed audit verdict is 3") {
    val (usage, usageOutput) = submit("usage", "render", Seq("--master", "local[1]", "--steps", "1"))
    assert(usage == 2, usageOutput.takeRight(3000))
    assert(usageOutput.contains("steps must be an integer in [2, 1000], got '1'"), usageOutput.takeRight(3000))
    assert(!usageOutput.contains("SparkContext: Running Spark"), "a SparkContext started for a usage error")

    val (audit, auditOutput) = submit("audit", "audit", Seq("--master", "local[2]", "--model-dir", model,
      "--warehouse", s"s3a://$bucket/audit/warehouse", "--images", s"s3a://$bucket/audit/images",
      "--variants", "int8", "--per-category", "1", "--seeds", "1", "--steps", "4",
      "--max-similarity-drop", "-1"))
    assert(audit == 3, auditOutput.takeRight(4000))
    assert(auditOutput.contains("FAIL"), auditOutput.takeRight(3000))
  }
}
