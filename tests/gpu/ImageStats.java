import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/** {@code java tests/gpu/ImageStats.java FILE...}: prints each image's luma standard deviation. */
public class ImageStats {
  public static void main(String[] args) throws Exception {
    for (String name : args) {
      BufferedImage image = ImageIO.read(new File(name));
      double sum = 0;
      double squares = 0;
      int n = image.getWidth() * image.getHeight();
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y);
          double luma =
              0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
          sum += luma;
          squares += luma * luma;
        }
      }
      double mean = sum / n;
      System.out.printf("%.2f %s%n", Math.sqrt(Math.max(0, squares / n - mean * mean)), name);
    }
  }
}
