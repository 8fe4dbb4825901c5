package com.catalogrender.bench;

import com.catalogrender.catalog.DemoCatalog;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Generated catalogs for benchmarks: {@code rows} rows over {@code stems} distinct prompts
 * (products, colours and backgrounds the demo model knows, plus a numbered style line when more
 * stems are asked than combinations exist), one size for all rows, a seed per row.
 */
public final class BenchCatalog {
  private static final String[] PRODUCTS = {"mug", "sneaker", "bottle", "box", "watch", "lamp"};
  private static final String[] CATEGORIES = {
    "mugs", "sneakers", "bottles", "boxes", "watches", "lamps"
  };
  private static final String[] COLOURS = {
    "red", "blue", "green", "yellow", "white", "black", "orange", "purple"
  };
  private static final String[] BACKGROUNDS = {
    "studio white", "beach", "marble", "wood", "pastel gradient"
  };

  private BenchCatalog() {}

  /** The prompt of stem {@code i}. */
  public static String prompt(int stem) {
    int combos = PRODUCTS.length * COLOURS.length * BACKGROUNDS.length;
    int c = stem % combos;
    String base =
        COLOURS[c / (PRODUCTS.length * BACKGROUNDS.length)]
            + " "
            + PRODUCTS[c % PRODUCTS.length]
            + " on "
            + BACKGROUNDS[(c / PRODUCTS.length) % BACKGROUNDS.length];
    return stem < combos ? base : base + ", style line " + (stem / combos);
  }

  public static String category(int stem) {
    return CATEGORIES[
        (stem % (PRODUCTS.length * COLOURS.length * BACKGROUNDS.length)) % PRODUCTS.length];
  }

  /** Writes the catalog as a Delta table at {@code path} (overwriting). */
  public static void write(SparkSession spark, String path, int rows, int stems, int side) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int stem = i % stems;
      out.add(
          RowFactory.create(
              String.format("BENCH-%06d", i),
              category(stem),
              prompt(stem),
              side,
              side,
              7000L + i,
              null,
              now));
    }
    spark
        .createDataFrame(out, DemoCatalog.SCHEMA)
        .repartition(Math.max(1, rows / 5000))
        .write()
        .format("delta")
        .mode("overwrite")
        .save(path);
  }
}
