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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code render-one --caption TEXT --seed N --variant int8|fp32|fp16 --out FILE.png [--size PX]
 * [--device cpu|cuda:N] [--steps N] [--guidance G] [--model-dir DIR]}: one image, no Spark.
 */
@Command(name = "render-one")
final class RenderOneCommand implements LocalJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Mixin ModelLocation model;

  @Override
  public int run() throws IOException {
    OptionTable o = new OptionTable(spec);
    String caption = required(o, "--caption");
    Path out = Path.of(required(o, "--out"));
    long seed = o.get("--seed");
    Integer steps = o.get("--steps");
    Double guidance = o.get("--guidance");
    Integer size = o.get("--size");
    Variant variant = Variant.parse(o.get("--variant"));
    ComputeDevice device = ComputeDevice.parse(o.get("--device"));
    ModelDirectory directory = ModelDirectory.open(model.local());
    SamplingOptions defaults = SamplingOptions.defaults(directory.manifest());
    SamplingOptions options =
        new SamplingOptions(
            steps == null ? defaults.steps() : steps,
            guidance == null ? defaults.guidance() : guidance);
    int pixels = size == null ? directory.manifest().imageSize() : size;
    if (pixels < 8 || pixels > 8192) {
      throw new IllegalArgumentException("render-one: --size must be in [8, 8192], got " + pixels);
    }
    long loadStart = System.nanoTime();
    try (DiffusionModel model = DiffusionModel.load(directory, variant, device);
        DiffusionPredictor predictor = model.newPredictor()) {
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      RenderBatch batch = predictor.render(List.of(new RenderRequest(caption, seed)), options);
      long postStart = System.nanoTime();
      BufferedImage image = ImageResizer.resize(batch.images().get(0), pixels, pixels, 0.35);
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      if (!ImageIO.write(image, "png", out.toFile())) {
        throw new IOException("No PNG writer available for " + out);
      }
      double postSeconds = (System.nanoTime() - postStart) / 1e9;
      System.out.printf(
          "rendered \"%s\" seed %d with %s on %s -> %s (%dx%d)%n",
          caption, seed, model, device, out.toAbsolutePath(), pixels, pixels);
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

  @Override
  public String options() {
    return """
      --caption   TEXT            text    -     the caption (required)
      --out       FILE.png        text    -     the image file (required)
      --seed      N               long    0     the noise seed
      --variant   int8|fp32|fp16  text    int8  the UNet variant (fp16 needs a GPU)
      --device    cpu|cuda:N      text    cpu   where the model runs
      --size      PX              int     -     output size (default: the model's)
      --steps     N               int     -     sampler steps (default: the model's)
      --guidance  G               double  -     guidance scale (default: the model's)
      """;
  }

  /** A required option's value (checked here, so that a misspelt option is named first). */
  private static String required(OptionTable options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("render-one: " + name + " is required");
    }
    return value;
  }
}
