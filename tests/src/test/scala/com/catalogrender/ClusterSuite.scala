package com.catalogrender

import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite

import java.net.URI
import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/**
 * The render job on a real multi-process Spark cluster: a standalone Master and two Workers (separate
 * JVMs from a stock Spark 3.5, see StandaloneCluster), each advertising two fake GPUs; the job
 * submitted through `submit.sh --master spark://...` with SPARK_HOME set, as a user would: the
 * application jar is all the cluster gets of the project.
 *
 * This machine has no CUDA, so the job runs with `gpu_addresses_on_cpu=true`: Spark still schedules
 * the GPU resource and hands each task a GPU address, the pipeline keys its models, its device
 * semaphore and its result rows by that address, and the models run on the CPU.
 */
class ClusterSuite extends AnyFunSuite with LocalSpark {
  private val rows = 48
  private lazy val catalog = workDir.resolve("catalog").toString
  private lazy val cluster = new StandaloneCluster(root, Files.createDirectories(workDir.resolve("cluster")), 2, 2, 2)

  private val renderSettings = Map(
    "steps" -> "6", "batch_size" -> "4", "partitions" -> "6", "contact_sheet_size" -> "0")

  override protected def beforeAll(): Unit = {
    super.beforeAll()
    writeCatalog(catalog, rows, "SKU", Seq("red", "blue", "green", "yellow", "white", "black"), 1000L)
    cluster.start()
  }

  override protected def afterAll(): Unit =
    try cluster.stop() finally super.afterAll()

  /** `submit.sh render` against the cluster, in its own process; returns (exit code, output). */
  private def submit(name: String, master: String, after: Process => Unit = _ => (),
                     settings: Map[String, String] = Map.empty): (Int, String) = {
    val conf = workDir.resolve(s"$name.properties")
    Files.writeString(conf, (renderSettings ++ settings ++ Map(
      "model_dir" -> modelDir.toString, "rates" -> root.resolve("conf/rates.properties").toString,
      "gpu_addresses_on_cpu" -> "true", "device_concurrent_tasks" -> "1"
    )).map { case (k, v) => s"$k=$v" }.mkString("\n"))
    val clusterConf =
      if (master.startsWith("spark://")) Seq("spark.executor.cores=2", "spark.cores.max=4", "spark.executor.memory=1g",
        "spark.executor.resource.gpu.amount=2", "spark.task.resource.gpu.amount=1")
      else Seq.empty
    val sparkConf = clusterConf ++ Seq("spark.ui.enabled=false", "spark.driver.host=127.0.0.1")
    val command = Seq("bash", root.resolve("submit.sh").toString, "render", "--master", master,
      "--catalog", catalog, "--warehouse", workDir.resolve(s"$name/warehouse").toString,
      "--images", workDir.resolve(s"$name/images").toString, "--settings", conf.toString) ++
      sparkConf.flatMap(c => Seq("--spark-conf", c))
    val log = workDir.resolve(s"$name.log")
    val builder = new ProcessBuilder(command.asJava).redirectErrorStream(true).redirectOutput(log.toFile)
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1")
    builder.environment().put("SPARK_HOME", cluster.sparkHome.toString)
    val process = builder.start()
    try {
      after(process)
      assert(process.waitFor(8, TimeUnit.MINUTES), s"$name did not finish; see $log")
      (process.exitValue(), Files.readString(log))
    } finally process.destroyForcibly()
  }

  private def table(name: String, which: String): DataFrame =
    spark.read.format("delta").load(workDir.resolve(s"$name/warehouse/$which").toString)

  private def imageFiles(name: String): Seq[Path] = {
    val dir = workDir.resolve(s"$name/images")
    if (!Files.isDirectory(dir)) Seq.empty
    else { val s = Files.list(dir); try s.iterator().asScala.toList finally s.close() }
  }

  test("separate executor JVMs, a distinct GPU address per task, one model per executor and address, bytes equal to local mode") {
    val (code, output) = submit("cluster", cluster.masterUrl)
    assert(code == 0, output.takeRight(4000))
    val renders = table("cluster", "renders").collect()
    assert(renders.length == rows && renders.forall(_.getAs[String]("status") == "ok"), output.takeRight(2000))

    val executors = renders.map(_.getAs[String]("executor_id")).distinct
    assert(executors.length == 2 && !executors.contains("driver"), executors.toSeq)
    // Spark gave the two tasks running side by side in an executor different addresses, and the
    // pipeline used the address it was given (device cpu here, see the suite's comment)
    for (e <- executors) {
      val addresses = renders.filter(_.getAs[String]("executor_id") == e).map(_.getAs[String]("gpu_address")).distinct.sorted
      assert(addresses.toSeq == Seq("0", "1"), s"executor $e used addresses ${addresses.toSeq}")
    }
    assert(renders.forall(_.getAs[String]("device") == "cpu"))

    val run = table("cluster", "runs").collect().head
    val slotsUsed = renders.map(r => (r.getAs[String]("executor_id"), r.getAs[String]("gpu_address"), r.getAs[String]("variant"))).distinct.length
    assert(run.getAs[Long]("executors") == 2)
    assert(run.getAs[Long]("model_loads") == slotsUsed && slotsUsed == 4, s"loads ${run.getAs[Long]("model_loads")} vs $slotsUsed (tasks: 6)")
    assert(run.getAs[String]("spark_master") == cluster.masterUrl)
    val busy = run.getAs[Double]("device_busy_share")
    assert(busy > 0 && busy <= 1.0, s"device busy share $busy")
    println(f"[cluster] ${executors.length} executors, 6 tasks, ${run.getAs[Long]("model_loads")} model loads, " +
      f"device busy share mean $busy%.3f (lowest task ${run.getAs[Double]("device_busy_share_min_task")}%.3f), " +
      f"${run.getAs[Double]("renders_per_second")}%.2f renders/s")

    // the same catalog in local mode (same entry point, seeds, partitions and torch threads per
    // task): the same rows and the same bytes
    val (localCode, localOutput) = submit("local", "local[2]")
    assert(localCode == 0, localOutput.takeRight(4000))
    val localBySku = table("local", "renders").collect().map(r => r.getAs[String]("sku") -> r).toMap
    for (r <- renders) {
      val l = localBySku(r.getAs[String]("sku"))
      for (c <- Seq("input_hash", "variant", "caption", "seed", "image_bytes"))
        assert(r.getAs[Any](c) == l.getAs[Any](c), s"$c differs for ${r.getAs[String]("sku")}")
      val a = Files.readAllBytes(Paths.get(new URI(r.getAs[String]("image_uri"))))
      val b = Files.readAllBytes(Paths.get(new URI(l.getAs[String]("image_uri"))))
      assert(java.util.Arrays.equals(a, b), s"image bytes differ for ${r.getAs[String]("sku")}")
    }
  }

  test("an executor killed mid-run: the job completes, one result row and one whole image per input row, the loss recorded") {
    var killed = Option.empty[Long]
    var executorsSeen = 0
    var imagesSeen = 0
    // 25 steps: long enough to kill an executor while its tasks still render
    val (code, output) = submit("killed", cluster.masterUrl, settings = Map("steps" -> "25"), after = process => {
      val deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4)
      while (killed.isEmpty && process.isAlive && System.nanoTime() < deadline) {
        val pids = cluster.executorPids()
        val images = imageFiles("killed").count(_.getFileName.toString.endsWith(".png"))
        executorsSeen = math.max(executorsSeen, pids.size)
        imagesSeen = math.max(imagesSeen, images)
        if (images >= 2 && pids.size == 2) {
          ProcessHandle.of(pids.head).ifPresent(h => h.destroyForcibly())
          killed = Some(pids.head)
        }
        Thread.sleep(100)
      }
    })
    assert(killed.nonEmpty, s"no executor was killed (at most $executorsSeen executor JVMs, $imagesSeen images seen): the run ended first\n" + output.takeRight(2000))
    assert(code == 0, output.takeRight(4000))
    val renders = table("killed", "renders").collect()
    assert(renders.length == rows, s"${renders.length} result rows for $rows input rows")
    assert(renders.map(_.getAs[String]("sku")).distinct.length == rows)
    assert(renders.forall(_.getAs[String]("status") == "ok"))
    val files = imageFiles("killed")
    assert(files.count(f => !f.getFileName.toString.startsWith(".")) == rows, files)
    assert(!files.exists(_.getFileName.toString.startsWith(".")), s"temporary files left: $files")
    for (f <- files) assert(ImageIO.read(f.toFile) != null, s"$f is not a whole image")
    val run = table("killed", "runs").collect().head
    assert(run.getAs[Long]("executors_lost") >= 1, run)
    assert(run.getAs[String]("executors_lost_reasons").nonEmpty)
    // the lost executor's attempts are waste, with Spark's reason, in the all-in cost
    assert(run.getAs[Double]("wasted_seconds") > 0 && run.getAs[Double]("wasted_eur") > 0, run)
    assert(run.getAs[String]("wasted_reasons").contains("ExecutorLost"), run.getAs[String]("wasted_reasons"))
    assert(run.getAs[Double]("all_in_cost_per_render_eur") > run.getAs[Double]("cost_per_render_eur"))
    println(s"[cluster] killed executor pid ${killed.get}; runs.executors_lost = ${run.getAs[Long]("executors_lost")}: " +
      run.getAs[String]("executors_lost_reasons") + s"; model loads ${run.getAs[Long]("model_loads")}; wasted " +
      f"${run.getAs[Double]("wasted_seconds")}%.2f s = EUR ${run.getAs[Double]("wasted_eur")}%.8f (${run.getAs[String]("wasted_reasons")})")
  }
}
