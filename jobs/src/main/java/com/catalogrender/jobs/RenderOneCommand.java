package com.catalogrender.jobs;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.DiffusionPredictor;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.RenderBatch;
import com.catalogrender.diffusion.RenderRequest;
import com.catalogrender.diffusion.SamplingOptions;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.measure.Stage;
import com.catalogrender.post.ImageResizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code render-one --caption TEXT --seed N --variant int8|fp32|fp16 --out FILE.png [--size PX]
 * [--device cpu|cuda:N] [--steps N] [--guidance G] [--model-dir DIR]}: one image, no Spark.
 */
@Command(
    name = "render-one",
    mixinStandardHelpOptions = true,
    description = "Render one image from a caption, without Spark.")
final class RenderOneCommand implements LocalJob {
  @Option(names = "--caption", required = true, paramLabel = "TEXT", description = "the caption")
  String caption;

  @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "the image file")
  Path out;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      showDefaultValue = Visibility.ALWAYS,
      description = "the noise seed")
  long seed;

  @Option(
      names = "--variant",
      paramLabel = "int8|fp32|fp16",
      defaultValue = "int8",
      showDefaultValue = Visibility.ALWAYS,
      description = "the UNet variant (fp16 needs a GPU)")
  String variantName;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda:N",
      defaultValue = "cpu",
      showDefaultValue = Visibility.ALWAYS,
      description = "where the model runs")
  String deviceName;

  @Option(names = "--size", paramLabel = "PX", description = "output size (default: the model's)")
  Integer size;

  @Option(names = "--steps", paramLabel = "N", description = "sampler steps (default: the model's)")
  Integer steps;

  @Option(
      names = "--guidance",
      paramLabel = "G",
      description = "guidance scale (default: the model's)")
  Double guidance;

  @Mixin ModelLocation model;

  @Override
  public int run() throws IOException {
    Variant variant = Variant.parse(variantName);
    ComputeDevice device = ComputeDevice.parse(deviceName);
    ModelDirectory directory = ModelDirectory.open(model.local());
    SamplingOptions defaults = SamplingOptions.defaults(directory.manifest());
    SamplingOptions options =
        new SamplingOptions(
            steps == null ? defaults.steps() : steps,
            guidance == null ? defaults.guidance() : guidance);
    int size = this.size == null ? directory.manifest().imageSize() : this.size;
    if (size < 8 || size > 8192) {
      throw new IllegalArgumentException("render-one: --size must be in [8, 8192], got " + size);
    }
    long loadStart = System.nanoTime();
    try (DiffusionModel model = DiffusionModel.load(directory, variant, device);
        DiffusionPredictor predictor = model.newPredictor()) {
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      RenderBatch batch = predictor.render(List.of(new RenderRequest(caption, seed)), options);
      long postStart = System.nanoTime();
      BufferedImage image = ImageResizer.resize(batch.images().get(0), size, size, 0.35);
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      if (!ImageIO.write(image, "png", out.toFile())) {
        throw new IOException("No PNG writer available for " + out);
      }
      double postSeconds = (System.nanoTime() - postStart) / 1e9;
      System.out.printf(
          "rendered \"%s\" seed %d with %s on %s -> %s (%dx%d)%n",
          caption, seed, model, device, out.toAbsolutePath(), size, size);
      System.out.printf(
          "seconds: load %.3f | text_encoder %.3f | unet %.3f (%d steps) | vae %.3f | post+write %.3f%n",
          loadSeconds,
          batch.seconds().get(Stage.TEXT_ENCODER),
          batch.seconds().get(Stage.UNET),
          options.steps(),
          batch.seconds().get(Stage.VAE),
          postSeconds);
    }
    return 0;
  }
}
