package com.catalogrender.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A grid of a run's images with their SKUs underneath, written as one PNG. */
public final class ContactSheet {
  static final int TILE = 160;
  static final int LABEL = 18;
  static final int COLUMNS = 6;

  /** A labelled image location. */
  public record Entry(String label, String uri) {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContactSheet.class);

  private ContactSheet() {}

  /**
   * The contact sheet of a run's first {@code size} ok renders by SKU, written beside its images;
   * returns its qualified URI, or null when there is nothing to draw (or drawing failed: logged).
   */
  public static String forRun(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> renders,
      String imageRoot,
      String runId,
      int size,
      org.apache.spark.sql.SparkSession spark) {
    if (size == 0) {
      return null;
    }
    List<Entry> entries = new java.util.ArrayList<>();
    for (org.apache.spark.sql.Row row :
        renders
            .where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("status")
                    .equalTo(com.catalogrender.results.RenderStatus.OK.label()))
            .orderBy(org.apache.spark.sql.functions.col("sku"))
            .select("sku", "image_uri")
            .limit(size)
            .collectAsList()) {
      entries.add(new Entry(row.getString(0), row.getString(1)));
    }
    if (entries.isEmpty()) {
      return null;
    }
    String root = imageRoot.endsWith("/") ? imageRoot : imageRoot + "/";
    String target = root + "contact-sheet-" + runId + ".png";
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      write(entries, target, hadoop);
      return new Path(target).getFileSystem(hadoop).makeQualified(new Path(target)).toString();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not write the contact sheet {}", target, e);
      return null;
    }
  }

  /** Reads the images (through Hadoop FS), draws the grid, writes it to {@code target}. */
  public static void write(List<Entry> entries, String target, Configuration hadoop)
      throws IOException {
    int columns = Math.min(COLUMNS, Math.max(1, entries.size()));
    int rows = (entries.size() + columns - 1) / columns;
    BufferedImage sheet =
        new BufferedImage(
            columns * TILE, Math.max(1, rows) * (TILE + LABEL), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i < entries.size(); i++) {
        Entry entry = entries.get(i);
        int x = (i % columns) * TILE;
        int y = (i / columns) * (TILE + LABEL);
        BufferedImage image = read(entry.uri(), hadoop);
        if (image != null) {
          double scale =
              Math.min((double) TILE / image.getWidth(), (double) TILE / image.getHeight());
          int w = (int) Math.round(image.getWidth() * scale);
          int h = (int) Math.round(image.getHeight() * scale);
          g.drawImage(image, x + (TILE - w) / 2, y + (TILE - h) / 2, w, h, null);
        }
        g.setColor(Color.DARK_GRAY);
        String label =
            entry.label().length() > 26 ? entry.label().substring(0, 25) + "…" : entry.label();
        g.drawString(label, x + 4, y + TILE + 13);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(sheet, "png", bytes);
    Path path = new Path(target);
    FileSystem fs = com.catalogrender.io.ImageFileSystems.of(path, hadoop);
    try (OutputStream out = fs.create(path, true)) {
      out.write(bytes.toByteArray());
    }
  }

  private static BufferedImage read(String uri, Configuration hadoop) throws IOException {
    Path path = new Path(uri);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return ImageIO.read(in);
    }
  }
}
