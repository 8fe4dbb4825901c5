package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java runtime reproduces the Python reference (models/scripts/export.py, fp32, 25 steps,
 * guidance 4) from the same initial noise: tokens exactly, noise to 1e-6, final latents to a max
 * abs difference of 1e-3, pixels to 2 levels out of 255.
 */
class PythonParityTest {
  static final double LATENT_TOLERANCE = 1e-3;
  static final int PIXEL_TOLERANCE = 2;

  private static DiffusionModel model;
  private static JsonNode fixtures;

  @BeforeAll
  static void load() throws IOException {
    ModelDirectory directory = ModelDirectory.open(DemoModel.directory());
    model = DiffusionModel.load(directory, Variant.FP32, ComputeDevice.CPU);
    fixtures =
        new ObjectMapper().readTree(directory.root().resolve("fixtures/parity.json").toFile());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void tokensAndNoiseMatch() {
    for (JsonNode item : fixtures.get("items")) {
      long[] expected = longs(item.get("token_ids"));
      assertArrayEquals(expected, model.tokenizer(0).encode(item.get("caption").asText()));
      float[] noise = floats(item.get("noise"));
      assertArrayEquals(
          noise, InitialNoise.gaussian(item.get("seed").asLong(), noise.length), 1e-6f);
    }
  }

  @Test
  void finalLatentsAndImageMatchThePythonSampler() {
    SamplingOptions options =
        new SamplingOptions(fixtures.get("steps").asInt(), fixtures.get("guidance").asDouble());
    try (DiffusionPredictor predictor = model.newPredictor()) {
      for (JsonNode item : fixtures.get("items")) {
        float[] noise = floats(item.get("noise"));
        RenderBatch batch =
            predictor.renderFromNoise(List.of(item.get("caption").asText()), noise, options);
        float[] expected = floats(item.get("final_latents"));
        double maxLatent = 0;
        for (int i = 0; i < expected.length; i++) {
          maxLatent = Math.max(maxLatent, Math.abs(expected[i] - batch.latents()[i]));
        }
        assertTrue(
            maxLatent <= LATENT_TOLERANCE,
            item.get("caption").asText() + ": max abs latent diff " + maxLatent);
        BufferedImage image = batch.images().get(0);
        JsonNode rgb = item.get("image_rgb");
        int size = image.getWidth();
        assertEquals(size * size * 3, rgb.size());
        int maxPixel = 0;
        for (int p = 0; p < size * size; p++) {
          int actual = image.getRGB(p % size, p / size);
          for (int c = 0; c < 3; c++) {
            int channel = (actual >> (16 - 8 * c)) & 0xff;
            maxPixel = Math.max(maxPixel, Math.abs(channel - rgb.get(p * 3 + c).asInt()));
          }
        }
        assertTrue(maxPixel <= PIXEL_TOLERANCE, "max pixel diff " + maxPixel);
      }
    }
  }

  @Test
  void aBatchRendersWhatSingleRendersDo() {
    SamplingOptions options = new SamplingOptions(6, 4.0);
    List<RenderRequest> requests =
        List.of(new RenderRequest("red mug on beach", 1), new RenderRequest("blue box on wood", 2));
    try (DiffusionPredictor predictor = model.newPredictor()) {
      RenderBatch together = predictor.render(requests, options);
      RenderBatch alone = predictor.render(requests.subList(1, 2), options);
      int perImage = alone.latents().length;
      for (int i = 0; i < perImage; i++) {
        assertEquals(alone.latents()[i], together.latents()[perImage + i], 1e-4);
      }
    }
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}
