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

  protected lazy val spark: SparkSession = SparkSession
    .builder()
    .master("local[2]")
    .appName(getClass.getSimpleName)
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.databricks.delta.snapshotPartitions", "2")
    .config("spark.ui.enabled", "false")
    .config("spark.executor.heartbeatInterval", "2s")
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

  protected def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) {
      val walk = Files.walk(path)
      try walk.sorted(Comparator.reverseOrder[Path]()).forEach(p => Files.deleteIfExists(p))
      finally walk.close()
    }
}
