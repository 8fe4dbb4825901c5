package com.catalogrender.quality;

import java.awt.image.BufferedImage;

/**
 * How far one rendering of a prompt drifted from the reference rendering (same seed, same initial
 * noise, another UNet variant): PSNR over RGB, and SSIM over luma with 8x8 windows at stride 4
 * (constants of Wang et al. 2004, K1 = 0.01, K2 = 0.03, L = 255).
 */
public final class ImageDrift {
  private static final int WINDOW = 8;
  private static final int STRIDE = 4;
  private static final double C1 = Math.pow(0.01 * 255, 2);
  private static final double C2 = Math.pow(0.03 * 255, 2);

  private ImageDrift() {}

  /** PSNR in dB; {@code Double.POSITIVE_INFINITY} for identical images. */
  public static double psnr(BufferedImage a, BufferedImage b) {
    checkSize(a, b);
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          double d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
          sum += d * d;
        }
      }
    }
    double mse = sum / (3.0 * a.getWidth() * a.getHeight());
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /** Mean SSIM over windows, in [-1, 1]; 1 for identical images. */
  public static double ssim(BufferedImage a, BufferedImage b) {
    checkSize(a, b);
    double[][] x = luma(a);
    double[][] y = luma(b);
    int h = a.getHeight();
    int w = a.getWidth();
    int window = Math.min(WINDOW, Math.min(w, h));
    double total = 0;
    int count = 0;
    for (int top = 0; top + window <= h; top += STRIDE) {
      for (int left = 0; left + window <= w; left += STRIDE) {
        double mx = 0;
        double my = 0;
        int n = window * window;
        for (int i = top; i < top + window; i++) {
          for (int j = left; j < left + window; j++) {
            mx += x[i][j];
            my += y[i][j];
          }
        }
        mx /= n;
        my /= n;
        double vx = 0;
        double vy = 0;
        double cov = 0;
        for (int i = top; i < top + window; i++) {
          for (int j = left; j < left + window; j++) {
            vx += (x[i][j] - mx) * (x[i][j] - mx);
            vy += (y[i][j] - my) * (y[i][j] - my);
            cov += (x[i][j] - mx) * (y[i][j] - my);
          }
        }
        vx /= n - 1;
        vy /= n - 1;
        cov /= n - 1;
        total +=
            ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
        count++;
      }
    }
    return total / count;
  }

  private static double[][] luma(BufferedImage image) {
    double[][] out = new double[image.getHeight()][image.getWidth()];
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        out[y][x] =
            0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
      }
    }
    return out;
  }

  private static void checkSize(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException(
          "Images differ in size: "
              + a.getWidth()
              + "x"
              + a.getHeight()
              + " vs "
              + b.getWidth()
              + "x"
              + b.getHeight());
    }
  }
}
