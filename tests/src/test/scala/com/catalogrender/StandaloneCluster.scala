package com.catalogrender

import java.net.{InetSocketAddress, ServerSocket, Socket}
import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * A Spark standalone cluster on loopback from a stock Spark 3.5: a SPARK_HOME holding exactly the
 * jars of Spark's own modules (`tests/stock-spark`: the shaded Hadoop client, no hadoop-aws, no
 * Delta, no DJL, no project jar) with `bin/spark-submit` running Spark's launcher as the real
 * script does; a Master and `workers` Workers as separate JVMs, each Worker advertising
 * `gpusPerWorker` fake GPUs through the shipped discovery script (`conf/gpu/discover-gpus.sh`,
 * which reads CUDA_VISIBLE_DEVICES when it is set) and keeping fetched models in its own cache
 * (`modelCache(w)`), as separate machines would. Stopped (every JVM it started, executors
 * included) by `stop()`.
 */
final class StandaloneCluster(root: Path, dir: Path, workers: Int, coresPerWorker: Int, gpusPerWorker: Int) {
  private val java = Path.of(sys.props("java.home"), "bin", "java").toString
  private val moduleFlags = Seq("-XX:+IgnoreUnrecognizedVMOptions") ++
    Seq("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
      "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
      "sun.security.action", "sun.util.calendar").map(p => s"--add-opens=java.base/$p=ALL-UNNAMED") ++
    Seq("--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false")

  val sparkHome: Path = dir.resolve("spark-home")
  /** The shipped discovery script; Workers see fake GPUs through CUDA_VISIBLE_DEVICES. */
  val discoveryScript: Path = root.resolve("conf/gpu/discover-gpus.sh")
  private var processes = List.empty[Process]
  private var masterPort = 0

  def masterUrl: String = s"spark://127.0.0.1:$masterPort"

  /** The jar names a stock Spark does not ship; none may be in the cluster's `jars/`. */
  val projectJarPattern = "(?i).*(catalog-render|delta-|djl|pytorch|hadoop-aws|aws-java-sdk|jedis|spark-redis|webp|picocli).*"

  /** Where worker `w`'s executors keep fetched models. */
  def modelCache(w: Int): Path = dir.resolve(s"worker-$w/model-cache")

  /** The jar files in the cluster's `jars/` (what every Master, Worker and executor sees). */
  def jarNames: Seq[String] = {
    val s = Files.list(sparkHome.resolve("jars")); try s.iterator().asScala.map(_.getFileName.toString).toList finally s.close()
  }

  def start(): this.type = {
    val stock = root.resolve("tests/stock-spark")
    val stockJars = stock.resolve("target/spark-home/jars")
    require(Files.isDirectory(stockJars), s"$stockJars is missing: build the tests/stock-spark module (mvn package)")
    Files.createDirectories(sparkHome.resolve("bin"))
    if (!Files.exists(sparkHome.resolve("jars"))) Files.createSymbolicLink(sparkHome.resolve("jars"), stockJars)
    Files.copy(stock.resolve("RELEASE"), sparkHome.resolve("RELEASE"), _root_.java.nio.file.StandardCopyOption.REPLACE_EXISTING)
    for (script <- Seq("spark-class", "spark-submit")) {
      val target = sparkHome.resolve("bin").resolve(script)
      Files.copy(stock.resolve("bin").resolve(script), target, _root_.java.nio.file.StandardCopyOption.REPLACE_EXISTING)
      target.toFile.setExecutable(true)
    }

    masterPort = freePort()
    processes ::= launch("master", Seq("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
      "--port", masterPort.toString, "--webui-port", freePort().toString))
    awaitPort(masterPort)
    for (w <- 0 until workers) {
      val work = Files.createDirectories(dir.resolve(s"worker-$w"))
      val gpus = if (gpusPerWorker == 0) Seq.empty else Seq(
        s"-Dspark.worker.resource.gpu.amount=$gpusPerWorker",
        s"-Dspark.worker.resource.gpu.discoveryScript=$discoveryScript")
      processes ::= launch(s"worker-$w", gpus ++ Seq(
        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", coresPerWorker.toString,
        "--memory", "3g", "--webui-port", freePort().toString, "--work-dir", work.toString, masterUrl))
    }
    awaitWorkers()
    this
  }

  /** The executor JVMs the Workers launched (CoarseGrainedExecutorBackend), by pid. */
  def executorPids(): Seq[Long] =
    ProcessHandle.allProcesses().iterator().asScala
      .filter(p => p.info().commandLine().map[Boolean](c =>
        c.contains("CoarseGrainedExecutorBackend") && c.contains(sparkHome.toString)).orElse(false))
      .map(_.pid()).toSeq

  def stop(): Unit = {
    val executors = executorPids()
    for (p <- processes) { p.descendants().forEach(_.destroyForcibly()); p.destroyForcibly() }
    executors.foreach(pid => ProcessHandle.of(pid).ifPresent(h => h.destroyForcibly()))
    processes.foreach(_.waitFor())
    processes = Nil
  }

  private def launch(name: String, args: Seq[String]): Process = {
    val worker = "worker-(\\d+)".r
    val cache = name match { case worker(w) => Some(modelCache(w.toInt)); case _ => None }
    val builder = new ProcessBuilder((Seq(java, "-Xmx512m") ++ moduleFlags ++ Seq("-cp", sparkHome.resolve("jars").toString + "/*") ++ args).asJava)
    builder.environment().put("SPARK_HOME", sparkHome.toString)
    builder.environment().put("SPARK_SCALA_VERSION", "2.12")
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1")
    if (gpusPerWorker > 0) builder.environment().put("CUDA_VISIBLE_DEVICES", (0 until gpusPerWorker).mkString(","))
    // executors inherit their Worker's environment: each "machine" keeps its own model cache
    cache.foreach(c => builder.environment().put("CATALOG_RENDER_MODEL_CACHE", c.toString))
    builder.redirectErrorStream(true).redirectOutput(dir.resolve(s"$name.log").toFile)
    builder.start()
  }

  private def awaitPort(port: Int): Unit = {
    val deadline = System.nanoTime() + 60000000000L
    while (System.nanoTime() < deadline) {
      try { new Socket().connect(new InetSocketAddress("127.0.0.1", port), 500); return }
      catch { case _: _root_.java.io.IOException => Thread.sleep(200) }
    }
    throw new IllegalStateException(s"Spark master did not open port $port; see ${dir.resolve("master.log")}")
  }

  private def awaitWorkers(): Unit = {
    val deadline = System.nanoTime() + 60000000000L
    def registered = (0 until workers).count(w =>
      Files.exists(dir.resolve(s"worker-$w.log")) && Files.readString(dir.resolve(s"worker-$w.log")).contains("Successfully registered with master"))
    while (registered < workers) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(s"Workers did not register; see $dir/worker-*.log")
      Thread.sleep(250)
    }
  }

  private def freePort(): Int = { val s = new ServerSocket(0); try s.getLocalPort finally s.close() }
}
