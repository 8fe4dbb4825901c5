import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.UnetTimer;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.measure.Stage;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code ModelOnGpu MODEL_DIR OUT_DIR}: the project's own model path (DiffusionModel,
 * DiffusionPredictor, UnetTimer) on cuda:0, without Spark, for a GPU machine that has no Spark
 * distribution (tests/gpu/device-run.sh ships it with a trimmed JRE). Prints one "figure NAME VALUE"
 * line per measurement and exits non-zero on the first failed check:
 *
 * <ul>
 *   <li>UNet milliseconds per sampler step, fp16 and fp32 on cuda:0 and fp32 on the CPU, at 1, 8,
 *       64 and 256 images (UNet batch twice that, for guidance);
 *   <li>a 25-step render of 8 captions, fp16 on cuda:0, three rounds: stage seconds and renders/s,
 *       and the same at 64 images;
 *   <li>parity: the same seeds rendered fp32 on the CPU; fp16 GPU pixels must stay within 0.1 mean
 *       absolute difference (pixels in [-1, 1]) and no image may be flat (largest channel stddev <= 8);
 *   <li>the fp16 images as PNGs in OUT_DIR, to be looked at.
 * </ul>
 */
public final class ModelOnGpu {
  private static final String[] CAPTIONS = {
    "red mug on beach, studio lighting from upper-left",
    "blue bottle on white background",
    "yellow shoe on wooden table",
    "black bag on marble floor",
    "green cube on beach",
    "orange mug on white background",
    "blue mug on wooden table",
    "yellow cube on marble floor"
  };

  public static void main(String[] args) throws Exception {
    ModelDirectory directory = ModelDirectory.open(Path.of(args[0]));
    File out = new File(args[1]);
    out.mkdirs();
    // -Ddevice=cpu -Dvariant=fp32: a dry run of this program on a machine without a GPU
    ComputeDevice gpu = ComputeDevice.parse(System.getProperty("device", "cuda:0"));
    Variant fast = Variant.parse(System.getProperty("variant", "fp16"));
    SamplingOptions options = SamplingOptions.defaults(directory.manifest());

    for (Object[] run :
        new Object[][] {{fast, gpu}, {Variant.FP32, gpu}, {Variant.FP32, ComputeDevice.CPU}}) {
      Variant variant = (Variant) run[0];
      ComputeDevice device = (ComputeDevice) run[1];
      long start = System.nanoTime();
      try (DiffusionModel model = DiffusionModel.load(directory, variant, device)) {
        figure("load_s_" + variant.label() + "_" + label(device), (System.nanoTime() - start) / 1e9);
        for (int images : device.cuda() ? new int[] {1, 8, 64, 256} : new int[] {1, 8}) {
          double ms = UnetTimer.millisPerStep(model, images, 5, device.cuda() ? 30 : 5);
          figure("unet_ms_per_step_" + variant.label() + "_" + label(device) + "_x" + images, ms);
        }
      }
    }

    List<RenderRequest> requests = new ArrayList<>();
    for (int i = 0; i < CAPTIONS.length; i++) {
      requests.add(new RenderRequest(CAPTIONS[i], 1000 + i));
    }
    RenderBatch gpuBatch = null;
    try (DiffusionModel model = DiffusionModel.load(directory, fast, gpu);
        DiffusionPredictor predictor = model.newPredictor()) {
      for (int round = 1; round <= 3; round++) {
        gpuBatch = stages("render_" + fast.label() + "_" + label(gpu) + "_x8_round" + round, predictor.render(requests, options));
      }
      List<RenderRequest> many = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        many.add(new RenderRequest(CAPTIONS[i % CAPTIONS.length], 2000 + i));
      }
      for (int round = 1; round <= 2; round++) {
        stages("render_" + fast.label() + "_" + label(gpu) + "_x64_round" + round, predictor.render(many, options));
      }
    }
    RenderBatch cpuBatch;
    try (DiffusionModel model = DiffusionModel.load(directory, Variant.FP32, ComputeDevice.CPU);
        DiffusionPredictor predictor = model.newPredictor()) {
      cpuBatch = stages("render_fp32_cpu_x8", predictor.render(requests, options));
    }

    double sum = 0;
    double max = 0;
    for (int i = 0; i < gpuBatch.pixels().length; i++) {
      double d = Math.abs(gpuBatch.pixels()[i] - cpuBatch.pixels()[i]);
      sum += d;
      max = Math.max(max, d);
    }
    double mean = sum / gpuBatch.pixels().length;
    figure("parity_" + fast.label() + "_" + label(gpu) + "_vs_fp32_cpu_mean_abs", mean);
    figure("parity_" + fast.label() + "_" + label(gpu) + "_vs_fp32_cpu_max_abs", max);
    boolean flat = false;
    for (int i = 0; i < gpuBatch.size(); i++) {
      BufferedImage image = gpuBatch.image(i);
      ImageIO.write(image, "png", new File(out, String.format("%s-%s-%d.png", fast.label(), label(gpu), i)));
      ImageIO.write(cpuBatch.image(i), "png", new File(out, String.format("fp32-cpu-%d.png", i)));
      double stddev = channelStddev(image);
      System.out.printf(Locale.ROOT, "image %d \"%s\" channel stddev %.2f%n", i, CAPTIONS[i], stddev);
      flat |= stddev <= 8;
    }
    if (mean > 0.1) {
      throw new AssertionError("fp16 on cuda:0 is off the fp32 CPU render: mean |diff| " + mean);
    }
    if (flat) {
      throw new AssertionError("a flat image (largest channel stddev <= 8)");
    }
    System.out.println("ModelOnGpu: all checks passed");
  }

  private static RenderBatch stages(String name, RenderBatch batch) {
    double total = 0;
    for (Stage stage : new Stage[] {Stage.TEXT_ENCODER, Stage.UNET, Stage.VAE}) {
      double seconds = batch.seconds().get(stage);
      total += seconds;
      figure(name + "_" + stage.name().toLowerCase(Locale.ROOT) + "_s", seconds);
    }
    figure(name + "_renders_per_s", batch.size() / total);
    return batch;
  }

  private static String label(ComputeDevice device) {
    return device.cuda() ? "cuda" + device.index() : "cpu";
  }

  private static void figure(String name, double value) {
    System.out.printf(Locale.ROOT, "figure %s %.4f%n", name, value);
  }

  /** The largest of the red, green and blue channels' standard deviations (0-255). */
  private static double channelStddev(BufferedImage image) {
    double[] sum = new double[3];
    double[] squares = new double[3];
    int n = image.getWidth() * image.getHeight();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          double v = (rgb >> (16 - 8 * c)) & 255;
          sum[c] += v;
          squares[c] += v * v;
        }
      }
    }
    double largest = 0;
    for (int c = 0; c < 3; c++) {
      double mean = sum[c] / n;
      largest = Math.max(largest, Math.sqrt(Math.max(0, squares[c] / n - mean * mean)));
    }
    return largest;
  }
}
