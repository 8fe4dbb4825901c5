package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny SD-1.x- and SDXL-shaped models (models/scripts/tiny_sd.py: CLIP-style BPE
 * tokenizer.json, last vs penultimate hidden states, two encoders with a pooled projection, added
 * time_ids, epsilon vs v-prediction, the VAE scaling factor) rendered by the Java runtime from the
 * Python reference's initial noise: token ids exact (the Hugging Face tokenizers library against
 * the script's own BPE), encoder states to 1e-4, final fp32 latents to a max abs difference of
 * 1e-3.
 */
class StableDiffusionParityTest {
  @ParameterizedTest
  @ValueSource(strings = {"tiny-sd1", "tiny-sdxl"})
  void theRuntimeReproducesThePythonReference(String name) throws IOException {
    ModelDirectory directory = ModelDirectory.open(DemoModel.directory(name));
    JsonNode fixtures =
        new ObjectMapper().readTree(directory.root().resolve("fixtures/parity.json").toFile());
    List<String> captions = new ArrayList<>();
    fixtures.get("captions").forEach(c -> captions.add(c.asText()));
    try (DiffusionModel model = DiffusionModel.load(directory, Variant.FP32, ComputeDevice.CPU)) {
      JsonNode ids = fixtures.get("token_ids");
      assertEquals(directory.manifest().pipeline().textEncoders().size(), ids.size());
      for (int e = 0; e < ids.size(); e++) {
        for (int c = 0; c < captions.size(); c++) {
          assertArrayEquals(
              longs(ids.get(e).get(c)),
              model.tokenizer(e).encode(captions.get(c)),
              name + " encoder " + e + ": " + captions.get(c));
        }
      }
      float[] embedded = model.encode(captions);
      int states = directory.manifest().maxTokens() * directory.manifest().textHiddenSize();
      int size = directory.manifest().embeddingSize();
      float[] conditioning = floats(fixtures.get("conditioning"));
      double maxState = 0;
      for (int c = 0; c < captions.size(); c++) {
        for (int i = 0; i < states; i++) {
          maxState =
              Math.max(maxState, Math.abs(conditioning[c * states + i] - embedded[c * size + i]));
        }
      }
      assertTrue(maxState <= 1e-4, name + ": max abs encoder state diff " + maxState);
      if (directory.manifest().pipeline().pooledSize() > 0) {
        float[] pooled = floats(fixtures.get("pooled"));
        int p = directory.manifest().pipeline().pooledSize();
        for (int c = 0; c < captions.size(); c++) {
          for (int i = 0; i < p; i++) {
            assertEquals(
                pooled[c * p + i], embedded[c * size + states + i], 1e-4, name + " pooled");
          }
        }
      }
      float[] noise = floats(fixtures.get("noise"));
      try (DiffusionPredictor predictor = model.newPredictor()) {
        RenderBatch batch =
            predictor.renderFromNoise(
                captions,
                noise,
                new SamplingOptions(
                    fixtures.get("steps").asInt(), fixtures.get("guidance").asDouble()));
        float[] expected = floats(fixtures.get("latents"));
        double maxLatent = 0;
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
          maxLatent = Math.max(maxLatent, Math.abs(expected[i] - batch.latents()[i]));
          largest = Math.max(largest, Math.abs(expected[i]));
        }
        System.out.printf(
            "%s: token ids exact, encoder states within %.2e, final latents within %.2e (largest"
                + " %.2f)%n",
            name, maxState, maxLatent, largest);
        assertTrue(maxLatent <= 1e-3, name + ": max abs latent diff " + maxLatent);
      }
    }
  }

  private static long[] longs(JsonNode node) {
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asLong();
    }
    return out;
  }

  private static float[] floats(JsonNode node) {
    float[] out = new float[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) node.get(i).asDouble();
    }
    return out;
  }
}
