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

  private ContactSheet() {}

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
