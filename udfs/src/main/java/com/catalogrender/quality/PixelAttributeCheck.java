package com.catalogrender.quality;

import com.catalogrender.catalog.DemoPalette;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names a picture's background and its product's colour from its pixels alone, against what the
 * dataset renderer paints ({@link DemoPalette}); it learns nothing from generated images, so a
 * generator's colour shift cannot look right to it.
 *
 * <ul>
 *   <li>Background: the border (top rows, left and right columns, where no product reaches) is
 *       scored against each background's prototypes (also as shadowed), by the trimmed mean of each
 *       pixel's CIELAB distance to the nearest prototype; the lowest score names it.
 *   <li>Product: pixels of the central region far from the requested and the recognised backgrounds
 *       (shadows included) are the product; each votes for its nearest colour (lightness counts
 *       half, as lighting and details change it). Black and white also stand for details (soles,
 *       labels, a watch face): a chromatic colour with a quarter of the votes wins over them. With
 *       too few product pixels (a white mug on studio white), the centre decides.
 * </ul>
 */
public final class PixelAttributeCheck {
  /** Product pixels differ from every background prototype by more than this (CIE76). */
  static final double PRODUCT_DISTANCE = 18;

  private static final double[] SHADOWS = {1.0, 0.82, 0.65};
  private static final int SIZE = 64;
  private static final int MIN_PRODUCT_PIXELS = 24;
  private static final double CHROMATIC_SHARE = 0.25;

  /** What the check saw. */
  public record Seen(String colour, String background, int productPixels) {
    public boolean colourIs(String expected) {
      return expected != null && expected.equals(colour);
    }

    public boolean backgroundIs(String expected) {
      return expected != null && expected.equals(background);
    }
  }

  private final Map<String, double[]> colours = new LinkedHashMap<>();
  private final Map<String, List<double[]>> backgrounds = new LinkedHashMap<>();

  public PixelAttributeCheck() {
    DemoPalette.COLOURS.forEach((name, rgb) -> colours.put(name, CieLab.of(rgb)));
    DemoPalette.BACKGROUNDS.forEach(
        (name, prototypes) -> {
          List<double[]> labs = new ArrayList<>();
          for (int[] rgb : prototypes) {
            for (double shade : SHADOWS) {
              labs.add(
                  CieLab.of(
                      (int) Math.round(rgb[0] * shade),
                      (int) Math.round(rgb[1] * shade),
                      (int) Math.round(rgb[2] * shade)));
            }
          }
          backgrounds.put(name, labs);
        });
  }

  /** Looks at {@code image} (scaled to 64x64 when larger) that was asked for {@code background}. */
  public Seen look(BufferedImage image, String requestedBackground) {
    double[][][] lab = lab(image);
    String background = background(lab);
    List<double[]> excluded = new ArrayList<>(backgrounds.get(background));
    if (requestedBackground != null && backgrounds.containsKey(requestedBackground)) {
      excluded.addAll(backgrounds.get(requestedBackground));
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    colours.keySet().forEach(c -> votes.put(c, 0));
    int product = 0;
    for (int y = 6; y < 60; y++) {
      for (int x = 6; x < 58; x++) {
        double[] p = lab[y][x];
        if (nearest(p, excluded) > PRODUCT_DISTANCE) {
          votes.merge(nearestColour(p), 1, Integer::sum);
          product++;
        }
      }
    }
    String colour;
    if (product < MIN_PRODUCT_PIXELS) {
      colour = nearestColour(centre(lab));
    } else {
      colour = chosen(votes, product);
    }
    return new Seen(colour, background, product);
  }

  private String chosen(Map<String, Integer> votes, int product) {
    String bestChromatic = null;
    String bestAny = null;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (bestAny == null || e.getValue() > votes.get(bestAny)) {
        bestAny = e.getKey();
      }
      boolean achromatic = e.getKey().equals("white") || e.getKey().equals("black");
      if (!achromatic && (bestChromatic == null || e.getValue() > votes.get(bestChromatic))) {
        bestChromatic = e.getKey();
      }
    }
    return bestChromatic != null && votes.get(bestChromatic) >= CHROMATIC_SHARE * product
        ? bestChromatic
        : bestAny;
  }

  private String background(double[][][] lab) {
    String best = null;
    double bestScore = Double.MAX_VALUE;
    for (Map.Entry<String, List<double[]>> e : backgrounds.entrySet()) {
      List<Double> distances = new ArrayList<>();
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          boolean border = y < 8 || ((x < 6 || x >= SIZE - 6) && y < SIZE - 8);
          if (border) {
            distances.add(nearest(lab[y][x], e.getValue()));
          }
        }
      }
      double score = trimmedMean(distances, 0.15);
      if (score < bestScore) {
        bestScore = score;
        best = e.getKey();
      }
    }
    return best;
  }

  private String nearestColour(double[] p) {
    String best = null;
    double bestDistance = Double.MAX_VALUE;
    for (Map.Entry<String, double[]> e : colours.entrySet()) {
      double d = CieLab.weightedDistance(p, e.getValue(), 0.5);
      if (d < bestDistance) {
        bestDistance = d;
        best = e.getKey();
      }
    }
    return best;
  }

  private static double nearest(double[] p, List<double[]> prototypes) {
    double best = Double.MAX_VALUE;
    for (double[] q : prototypes) {
      best = Math.min(best, CieLab.distance(p, q));
    }
    return best;
  }

  /** The median Lab of the 8x8 patch where every category's product is. */
  private static double[] centre(double[][][] lab) {
    double[][] channels = new double[3][64];
    int n = 0;
    for (int y = 32; y < 40; y++) {
      for (int x = 28; x < 36; x++) {
        for (int c = 0; c < 3; c++) {
          channels[c][n] = lab[y][x][c];
        }
        n++;
      }
    }
    double[] out = new double[3];
    for (int c = 0; c < 3; c++) {
      Arrays.sort(channels[c]);
      out[c] = (channels[c][31] + channels[c][32]) / 2;
    }
    return out;
  }

  private static double trimmedMean(List<Double> values, double trim) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int keep = Math.max(1, (int) Math.round(sorted.length * (1 - trim)));
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      sum += sorted[i];
    }
    return sum / keep;
  }

  private static double[][][] lab(BufferedImage image) {
    BufferedImage small = image;
    if (image.getWidth() != SIZE || image.getHeight() != SIZE) {
      small = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = small.createGraphics();
      g.setRenderingHint(
          java.awt.RenderingHints.KEY_INTERPOLATION,
          java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, SIZE, SIZE, null);
      g.dispose();
    }
    double[][][] out = new double[SIZE][SIZE][];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int rgb = small.getRGB(x, y);
        out[y][x] = CieLab.of((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
      }
    }
    return out;
  }
}
