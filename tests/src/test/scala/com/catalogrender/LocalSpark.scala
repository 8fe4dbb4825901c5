package com.catalogrender

import com.catalogrender.runtime.ModelRegistry
import org.apache.spark.sql.SparkSession
import org.scalatest.{BeforeAndAfterAll, Suite}

import java.nio.file.{Files, Path}
import java.util.Comparator

/** One local Spark session (Delta enabled) per suite, and temporary directories it cleans up. */
trait LocalSpark extends BeforeAndAfterAll { self: Suite =>
  protected val root: Path = Path.of(sys.props.getOrElse("catalogrender.root", "..")).toAbsolutePath.normalize
  protected val modelDir: Path = root.resolve("models/demo")
  protected lazy val workDir: Path = Files.createTempDirectory(getClass.getSimpleName)

  /** Runs the command line in this JVM (on this suite's session); its exit code and output. */
  protected def cli(args: String*): (Int, String) = {
    val out = new java.io.ByteArrayOutputStream()
    val (savedOut, savedErr) = (System.out, System.err)
    val print = new java.io.PrintStream(out, true)
    System.setOut(print)
    System.setErr(print)
    try { val code = com.catalogrender.jobs.Main.run(args.toArray); (code, out.toString) }
    finally { System.setOut(savedOut); System.setErr(savedErr) }
  }

  /** The session's master: 2 threads, no task retries (Spark's local default). */
  protected def master: String = "local[2]"

  /** Confs the suite's session needs beyond these (e.g. s3a settings). */
  protected def extraSparkConf: Map[String, String] = Map.empty

  protected lazy val spark: SparkSession = SparkSession
    .builder()
    .config(new org.apache.spark.SparkConf(false).setAll(extraSparkConf))
    .master(master)
    .appName(getClass.getSimpleName)
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.databricks.delta.snapshotPartitions", "2")
    .config("spark.ui.enabled", "false")
    .config("spark.executor.heartbeatInterval", "2s")
    .config("spark.scheduler.mode", "FAIR") // as the job's own session (SparkSessions)
    .getOrCreate()

  override protected def afterAll(): Unit = {
    try {
      ModelRegistry.executorWide().closeAll()
      spark.stop()
    } finally {
      deleteRecursively(workDir)
      super.afterAll()
    }
  }

  /**
   * Writes a small catalog of 64x64 rows to the Delta table at `path`: `colours` x four products
   * on wood, skus `prefix-NNN`, seeds from `firstSeed`.
   */
  protected def writeCatalog(path: String, rows: Int, prefix: String, colours: Seq[String], firstSeed: Long): Unit = {
    val products = Seq("mug" -> "mugs", "sneaker" -> "sneakers", "bottle" -> "bottles", "lamp" -> "lamps")
    val data = (0 until rows).map { i =>
      val (product, category) = products(i % products.size)
      org.apache.spark.sql.Row(f"$prefix-$i%03d", category, s"${colours(i % colours.size)} $product on wood",
        64, 64, firstSeed + i, null, new java.sql.Timestamp(0))
    }
    spark.createDataFrame(java.util.Arrays.asList(data: _*), com.catalogrender.catalog.DemoCatalog.SCHEMA)
      .write.format("delta").save(path)
  }

  protected def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) {
      val walk = Files.walk(path)
      try walk.sorted(Comparator.reverseOrder[Path]()).forEach(p => Files.deleteIfExists(p))
      finally walk.close()
    }
}
