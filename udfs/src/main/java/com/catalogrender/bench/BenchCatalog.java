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
    int[] stemOfRow = new int[rows];
    for (int i = 0; i < rows; i++) {
      stemOfRow[i] = i % stems;
    }
    write(spark, path, "BENCH", stemOfRow, side, 7000L);
  }

  /**
   * Stems the way product catalogs repeat them: {@code rows} draws from a Zipf distribution with
   * exponent {@code exponent} over {@code stems} stems (a few stems carry many SKUs, a long tail
   * carries one each), from a fixed random seed.
   */
  public static int[] zipfStems(int rows, int stems, double exponent, long seed) {
    double[] cumulative = new double[stems];
    double total = 0;
    for (int k = 0; k < stems; k++) {
      total += 1.0 / Math.pow(k + 1, exponent);
      cumulative[k] = total;
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    int[] out = new int[rows];
    for (int i = 0; i < rows; i++) {
      int at = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * total);
      out[i] = Math.min(stems - 1, at >= 0 ? at : -at - 1);
    }
    return out;
  }

  /**
   * Writes a catalog with row {@code i} on stem {@code stemOfRow[i]}, SKU {@code <prefix>-<i>},
   * seed {@code firstSeed + i} (overwriting).
   */
  public static void write(
      SparkSession spark, String path, String prefix, int[] stemOfRow, int side, long firstSeed) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    int rows = stemOfRow.length;
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int stem = stemOfRow[i];
      out.add(
          RowFactory.create(
              String.format("%s-%06d", prefix, i),
              category(stem),
              prompt(stem),
              side,
              side,
              firstSeed + i,
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
