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

/**
 * {@code render-one --caption TEXT --seed N --variant int8|fp32|fp16 --out FILE.png [--size PX]
 * [--device cpu|cuda:N] [--steps N] [--guidance G] [--model-dir DIR]}: one image, no Spark.
 */
final class RenderOneCommand {
  int run(String[] argv) throws IOException {
    CommandArguments args =
        CommandArguments.parse(
            "render-one",
            argv,
            List.of(
                "caption",
                "seed",
                "variant",
                "out",
                "size",
                "device",
                "steps",
                "guidance",
                ModelLocation.OPTION),
            List.of());
    String caption = args.required("caption");
    Path out = Path.of(args.required("out"));
    Variant variant = Variant.parse(args.optional("variant", "int8"));
    ComputeDevice device = ComputeDevice.parse(args.optional("device", "cpu"));
    long seed = args.longValue("seed", 0);
    ModelDirectory directory = ModelDirectory.open(ModelLocation.resolve(args));
    SamplingOptions defaults = SamplingOptions.defaults(directory.manifest());
    SamplingOptions options =
        new SamplingOptions(
            args.integer("steps", defaults.steps()), args.decimal("guidance", defaults.guidance()));
    int size = args.integer("size", directory.manifest().imageSize());
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
