package com.catalogrender.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A SKU's live image is one row of its renders whatever order they are read in: a MERGE reads its
 * source twice (to find the rows it touches, then to write them), and a SKU the catalog lists twice
 * renders twice in one run, possibly at the same instant; two reads picking different rows would
 * make the MERGE write a row it did not match.
 */
class CurrentImagesTableTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("current images test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** One ok render of SKU-1 in run r at one instant, by its input hash and image. */
  private static Dataset<Row> render(String inputHash, String image) {
    return spark.sql(
        "select 'SKU-1' as sku, '"
            + image
            + "' as image_uri, '"
            + inputHash
            + "' as input_hash, 'r' as run_id, timestamp'2026-12-05 01:00:00' as rendered_at,"
            + " 0.01d as cost_eur, 100L as image_bytes, 64 as width, 64 as height,"
            + " 'int8' as variant, 'm' as model_id, '1' as model_version, 'ok' as status");
  }

  private static String picked(Dataset<Row> renders) {
    List<Row> live = CurrentImagesTable.fromRenders(renders).collectAsList();
    assertEquals(1, live.size(), "one live row per SKU");
    return live.get(0).getAs("image_uri");
  }

  @Test
  void rendersTiedOnTimeAndRunPickTheSameLiveRowInEitherOrder() {
    Dataset<Row> first = render("h1", "s3://images/a.png");
    Dataset<Row> second = render("h2", "s3://images/b.png");
    assertEquals("s3://images/b.png", picked(first.union(second).coalesce(1)));
    assertEquals("s3://images/b.png", picked(second.union(first).coalesce(1)));
  }

  @Test
  void rendersTiedOnInputPickByImage() {
    Dataset<Row> first = render("h1", "s3://images/a.png");
    Dataset<Row> second = render("h1", "s3://images/c.png");
    assertEquals("s3://images/c.png", picked(first.union(second).coalesce(1)));
    assertEquals("s3://images/c.png", picked(second.union(first).coalesce(1)));
  }
}
