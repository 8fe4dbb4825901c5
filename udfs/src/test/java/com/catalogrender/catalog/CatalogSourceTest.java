package com.catalogrender.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.catalogrender.LocalSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An opened catalog reads the version it was opened at: a run reads its rows more than once (its
 * plan, its waves' layout, its captions), and rows written to the catalog meanwhile must not appear
 * in some of those reads and not in others.
 */
class CatalogSourceTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        LocalSpark.withDelta("catalog source test", 2)
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> rows(long from, long to) {
    return spark
        .range(from, to)
        .selectExpr(
            "format_string('SKU-%04d', id) as sku",
            "'mugs' as category",
            "'red mug' as prompt",
            "64 as width",
            "64 as height",
            "id as seed",
            "current_timestamp() as updated_at");
  }

  @Test
  void aCatalogByPathReadsTheVersionItWasOpenedAt(@TempDir Path directory) {
    String path = directory.resolve("catalog").toString();
    rows(0, 3).write().format("delta").save(path);
    rows(3, 5).write().format("delta").mode("append").save(path);
    Dataset<Row> opened = CatalogSource.open(spark, path);
    assertEquals(5, opened.count());
    rows(5, 9).write().format("delta").mode("append").save(path);
    assertEquals(5, opened.count());
    assertEquals(5, opened.where("seed >= 0").count());
    assertEquals(9, CatalogSource.open(spark, path).count());
  }

  @Test
  void aCatalogByNameReadsTheVersionItWasOpenedAt(@TempDir Path directory) {
    String path = directory.resolve("named").toString();
    rows(0, 2).write().format("delta").save(path);
    spark.sql("CREATE TABLE catalog_source_test USING DELTA LOCATION '" + path + "'");
    try {
      Dataset<Row> opened = CatalogSource.open(spark, "catalog_source_test");
      rows(2, 6).write().format("delta").mode("append").save(path);
      assertEquals(2, opened.count());
      assertEquals(6, CatalogSource.open(spark, "catalog_source_test").count());
    } finally {
      spark.sql("DROP TABLE catalog_source_test");
    }
  }
}
