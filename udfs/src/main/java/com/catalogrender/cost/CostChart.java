package com.catalogrender.cost;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** The seed's stage table as a bar chart: per stage, share of wall time beside share of cost. */
public final class CostChart {
  private static final Color TIME = new Color(90, 140, 200);
  private static final Color COST = new Color(220, 120, 60);

  /** One stage: its shares in [0, 1]. */
  public record Share(String stage, double time, double cost) {}

  private CostChart() {}

  public static BufferedImage draw(String title, List<Share> shares) {
    int width = 760;
    int height = 420;
    int left = 70;
    int bottom = 340;
    int top = 60;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, left, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      double max = 0.05;
      for (Share s : shares) {
        max = Math.max(max, Math.max(s.time(), s.cost()));
      }
      max = Math.min(1.0, Math.ceil(max * 10) / 10.0);
      g.setColor(new Color(225, 225, 225));
      for (int tick = 0; tick <= 5; tick++) {
        int y = bottom - (int) Math.round((bottom - top) * tick / 5.0);
        g.drawLine(left, y, width - 20, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("%.0f%%", 100 * max * tick / 5.0), 22, y + 4);
        g.setColor(new Color(225, 225, 225));
      }
      int slot = (width - left - 20) / Math.max(1, shares.size());
      int bar = Math.max(8, slot / 3);
      for (int i = 0; i < shares.size(); i++) {
        Share s = shares.get(i);
        int x = left + i * slot + (slot - 2 * bar) / 2;
        drawBar(g, x, bar, bottom, top, s.time() / max, TIME);
        drawBar(g, x + bar, bar, bottom, top, s.cost() / max, COST);
        g.setColor(Color.BLACK);
        g.drawString(s.stage(), x, bottom + 18);
        g.setColor(Color.DARK_GRAY);
        g.drawString(
            String.format("%.1f / %.1f", 100 * s.time(), 100 * s.cost()), x - 4, bottom + 34);
      }
      g.setStroke(new BasicStroke(1.5f));
      g.setColor(Color.BLACK);
      g.drawLine(left, bottom, width - 20, bottom);
      g.setColor(TIME);
      g.fillRect(left, 385, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString("% of wall time", left + 18, 396);
      g.setColor(COST);
      g.fillRect(left + 140, 385, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString("% of cost", left + 158, 396);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void drawBar(
      Graphics2D g, int x, int width, int bottom, int top, double fraction, Color colour) {
    int h = (int) Math.round((bottom - top) * Math.max(0, Math.min(1, fraction)));
    g.setColor(colour);
    g.fillRect(x, bottom - h, width - 2, h);
  }
}
