package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version-2 (Stable Diffusion) model directory that is broken fails when it is opened, on the
 * driver, with a message naming the problem: a missing file, a wrong sha256, an unknown prediction
 * type, a tokenizer whose ids exceed its encoder's vocabulary.
 */
class StableDiffusionManifestTest {
  @TempDir Path temp;

  @Test
  void readsBothTinyPipelines() {
    ModelManifest sd1 = ModelDirectory.open(DemoModel.directory("tiny-sd1")).manifest();
    assertEquals(2, sd1.pipeline().formatVersion());
    assertEquals(PipelineSpec.Prediction.EPSILON, sd1.pipeline().prediction());
    assertEquals(8, sd1.latentSize()); // 64 px native, 8x downsampling
    assertEquals(0.18215, sd1.latentScale());
    assertEquals(77 * 32, sd1.embeddingSize());
    ModelManifest xl = ModelDirectory.open(DemoModel.directory("tiny-sdxl")).manifest();
    assertEquals(PipelineSpec.UnetSignature.SDXL, xl.pipeline().unet());
    assertEquals(PipelineSpec.Prediction.V_PREDICTION, xl.pipeline().prediction());
    assertEquals(32 + 48, xl.textHiddenSize()); // both encoders' states concatenated
    assertEquals(77 * 80 + 40, xl.embeddingSize()); // plus the pooled projection
    assertTrue(xl.pipeline().zeroUnconditional());
    assertEquals(1000, xl.betas().length);
  }

  @Test
  void namesAMissingFile() throws IOException {
    Path copy = copy("tiny-sdxl");
    Files.delete(copy.resolve("text_encoder_2.pt"));
    assertOpenFails(copy, "text_encoder_2.pt listed in the manifest is missing");
  }

  @Test
  void namesAWrongChecksum() throws IOException {
    Path copy = copy("tiny-sd1");
    Files.writeString(copy.resolve("scheduler/scheduler_config.json"), "{}");
    assertOpenFails(copy, "scheduler_config.json does not match its manifest: sha256 is");
  }

  @Test
  void namesAnUnknownPredictionType() throws IOException {
    Path copy = copy("tiny-sd1");
    edit(copy, m -> m.put("prediction_type", "sample"));
    assertOpenFails(copy, "prediction_type must be epsilon or v_prediction, got 'sample'");
  }

  @Test
  void namesATokenizerThatDoesNotFitItsEncoder() throws IOException {
    Path copy = copy("tiny-sd1");
    // the encoder claims a smaller vocabulary than the tokenizer's ids (0..718)
    edit(
        copy,
        m -> {
          ObjectNode encoder = (ObjectNode) m.withArray("text_encoders").get(0);
          encoder.put("vocab_size", 700);
          encoder.put("bos_id", 1);
          encoder.put("eos_id", 2);
          encoder.put("pad_id", 2);
        });
    assertOpenFails(
        copy,
        "tokenizer/tokenizer.json has ids up to 718, but text encoder text_encoder.pt has a"
            + " vocabulary of 700");
  }

  @Test
  void namesAFileTheManifestDoesNotList() throws IOException {
    Path copy = copy("tiny-sd1");
    edit(copy, m -> ((ObjectNode) m.get("files")).remove("tokenizer/tokenizer.json"));
    assertOpenFails(copy, "'tokenizer/tokenizer.json' is named but not listed in files");
  }

  private Path copy(String name) throws IOException {
    Path source = DemoModel.directory(name);
    Path target = temp.resolve(name);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    return target;
  }

  private static void edit(Path model, Consumer<ObjectNode> change) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(model.resolve("manifest.json").toFile());
    change.accept(manifest);
    json.writeValue(model.resolve("manifest.json").toFile(), manifest);
  }

  private static void assertOpenFails(Path directory, String fragment) {
    ModelArtifactException e =
        assertThrows(ModelArtifactException.class, () -> ModelDirectory.open(directory));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
