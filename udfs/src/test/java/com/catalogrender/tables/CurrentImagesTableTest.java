package com.catalogrender.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.catalogrender.LocalSpark;
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
        LocalSpark.builder("current images test", 2)
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

  /** Asserts that the live row of the two renders is {@code image}, read in either order. */
  private static void picks(String image, Dataset<Row> first, Dataset<Row> second) {
    for (Dataset<Row> renders : List.of(first.union(second), second.union(first))) {
      List<Row> live = CurrentImagesTable.fromRenders(renders.coalesce(1)).collectAsList();
      assertEquals(1, live.size(), "one live row per SKU");
      assertEquals(image, live.get(0).getAs("image_uri"));
    }
  }

  @Test
  void rendersTiedOnTimeAndRunPickTheSameLiveRowInEitherOrder() {
    picks(
        "s3://images/b.png", render("h1", "s3://images/a.png"), render("h2", "s3://images/b.png"));
  }

  @Test
  void rendersTiedOnInputPickByImage() {
    picks(
        "s3://images/c.png", render("h1", "s3://images/a.png"), render("h1", "s3://images/c.png"));
  }
}
