package com.catalogrender.quality;

/** sRGB (D65) to CIELAB, and distances between Lab colours. */
final class CieLab {
  private CieLab() {}

  /** {L, a, b} of an sRGB colour given as 0-255 components. */
  static double[] of(int r, int g, int b) {
    double lr = linear(r / 255.0);
    double lg = linear(g / 255.0);
    double lb = linear(b / 255.0);
    double x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
    double y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    double z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
    double fx = f(x);
    double fy = f(y);
    double fz = f(z);
    return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
  }

  static double[] of(int[] rgb) {
    return of(rgb[0], rgb[1], rgb[2]);
  }

  /** CIE76 distance. */
  static double distance(double[] p, double[] q) {
    return weightedDistance(p, q, 1.0);
  }

  /** Distance with lightness weighted by {@code lightnessWeight} (lighting changes lightness). */
  static double weightedDistance(double[] p, double[] q, double lightnessWeight) {
    double dl = (p[0] - q[0]) * lightnessWeight;
    double da = p[1] - q[1];
    double db = p[2] - q[2];
    return Math.sqrt(dl * dl + da * da + db * db);
  }

  /** Chroma: distance from the grey axis. */
  static double chroma(double[] lab) {
    return Math.hypot(lab[1], lab[2]);
  }

  private static double linear(double c) {
    return c > 0.04045 ? Math.pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
  }

  private static double f(double t) {
    return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
  }
}
