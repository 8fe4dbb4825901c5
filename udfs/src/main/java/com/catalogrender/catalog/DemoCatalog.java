package com.catalogrender.catalog;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A realistic demo catalog: the demo model's categories, colours and backgrounds in customer words
 * ("white sneaker on beach"), mostly 512x512 with a few 2048x2048 and other sizes, prompts repeated
 * across SKUs as real catalogs have, a long tail of rare categories the model does not know, and a
 * few product cut-outs (PNG with alpha) to composite.
 */
public final class DemoCatalog {
  public static final StructType SCHEMA =
      new StructType()
          .add(CatalogSchema.SKU, DataTypes.StringType, false)
          .add(CatalogSchema.CATEGORY, DataTypes.StringType, false)
          .add(CatalogSchema.PROMPT, DataTypes.StringType)
          .add(CatalogSchema.WIDTH, DataTypes.IntegerType)
          .add(CatalogSchema.HEIGHT, DataTypes.IntegerType)
          .add(CatalogSchema.SEED, DataTypes.LongType)
          .add(CatalogSchema.SOURCE_IMAGE, DataTypes.StringType)
          .add(CatalogSchema.UPDATED_AT, DataTypes.TimestampType);

  // category (catalog, plural), the model's noun, weight in %
  private static final String[][] CATEGORIES = {
    {"sneakers", "sneaker", "26"}, {"mugs", "mug", "20"}, {"bottles", "bottle", "15"},
    {"boxes", "box", "14"}, {"watches", "watch", "12"}, {"lamps", "lamp", "9"},
    {"candles", "candle", "2"}, {"vases", "vase", "1"}, {"backpacks", "backpack", "1"}
  };
  private static final String[] COLOURS = DemoPalette.COLOURS.keySet().toArray(new String[0]);
  private static final String[] BACKGROUNDS =
      DemoPalette.BACKGROUNDS.keySet().toArray(new String[0]);

  private DemoCatalog() {}

  /**
   * Rows of the catalog; cut-outs are written under {@code cutoutDirectory} (a Hadoop path) for
   * about one row in 25.
   */
  public static List<Row> generate(
      int rows, long seed, String cutoutDirectory, Configuration hadoop) throws IOException {
    if (rows < 1) {
      throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
    }
    SplittableRandom random = new SplittableRandom(seed);
    // a pool of distinct prompts about a third the size of the catalog: prompts repeat across SKUs
    int poolSize = Math.max(3, rows / 3);
    List<String[]> pool = new ArrayList<>();
    for (int i = 0; i < poolSize; i++) {
      String[] category = pickCategory(random);
      String colour = COLOURS[random.nextInt(COLOURS.length)];
      String background = BACKGROUNDS[random.nextInt(BACKGROUNDS.length)];
      pool.add(
          new String[] {category[0], colour + " " + category[1] + " on " + background, colour});
    }
    List<Row> out = new ArrayList<>(rows);
    long now = System.currentTimeMillis();
    int cutouts = 0;
    for (int i = 0; i < rows; i++) {
      String[] entry = pool.get(random.nextInt(pool.size()));
      int roll = random.nextInt(100);
      int width = roll < 4 ? 2048 : roll < 10 ? 768 : 512;
      int height = roll < 4 ? 2048 : roll < 7 ? 1024 : 512;
      String source = null;
      if (i % 25 == 7) {
        source =
            writeCutout(
                cutoutDirectory, "cutout-" + (cutouts++) + ".png", entry[2], random, hadoop);
      }
      out.add(
          RowFactory.create(
              String.format("SKU-%06d", i + 1),
              entry[0],
              entry[1],
              width,
              height,
              random.nextLong(1L << 31),
              source,
              new Timestamp(now - random.nextLong(90L * 24 * 3600 * 1000))));
    }
    return out;
  }

  private static String[] pickCategory(SplittableRandom random) {
    int roll = random.nextInt(100);
    int cumulative = 0;
    for (String[] category : CATEGORIES) {
      cumulative += Integer.parseInt(category[2]);
      if (roll < cumulative) {
        return category;
      }
    }
    return CATEGORIES[0];
  }

  /** A simple product silhouette (rounded body and a lid) in the row's colour, on transparency. */
  private static String writeCutout(
      String directory, String name, String colour, SplittableRandom random, Configuration hadoop)
      throws IOException {
    BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      Color base = colourOf(colour);
      g.setColor(base);
      g.fill(new RoundRectangle2D.Double(58, 70, 140, 170, 40, 40));
      g.setColor(base.darker());
      g.fill(new Ellipse2D.Double(58, 50, 140, 44));
      g.setColor(new Color(255, 255, 255, 150));
      g.fill(new RoundRectangle2D.Double(80 + random.nextInt(10), 110, 24, 100, 20, 20));
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    Path path = new Path(directory, name);
    FileSystem fs = com.catalogrender.io.ImageFileSystems.of(path, hadoop);
    try (OutputStream out = fs.create(path, true)) {
      out.write(bytes.toByteArray());
    }
    return fs.makeQualified(path).toString();
  }

  private static Color colourOf(String name) {
    int[] rgb = DemoPalette.COLOURS.get(name);
    return new Color(rgb[0], rgb[1], rgb[2]);
  }
}
