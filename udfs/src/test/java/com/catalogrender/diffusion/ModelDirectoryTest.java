package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
  @TempDir Path temp;

  @Test
  void opensTheDemoModelAndReadsItsManifest() {
    ModelDirectory model = ModelDirectory.open(DemoModel.directory());
    ModelManifest manifest = model.manifest();
    assertEquals("catalog-render-demo", manifest.modelId());
    assertEquals(64, manifest.imageSize());
    assertEquals(4, manifest.latentChannels());
    assertEquals(1000, manifest.betas().length);
    assertEquals(25, manifest.defaultSteps());
    assertTrue(
        manifest
            .files()
            .keySet()
            .containsAll(java.util.List.of("unet_int8.pt", "unet_fp32.pt", "vocabulary.txt")));
    assertEquals(
        "red mug on beach, studio lighting from front",
        manifest.caption(
            java.util.Map.of(
                "colour", "red", "category", "mug", "background", "beach", "lighting", "front")));
    assertTrue(manifest.heldOutPrompts().size() >= 16);
    // the int8 UNet's float layers are listed with a reason (bench-model prints them)
    assertTrue(
        manifest.int8FloatLayers().containsKey("conv_out"), manifest.int8FloatLayers().toString());
    manifest.int8FloatLayers().values().forEach(why -> assertTrue(why.length() > 20, why));
  }

  @Test
  void namesAMissingManifest() {
    assertOpenFails(temp, "No manifest.json in model directory ");
  }

  @Test
  void namesAMissingFile() throws IOException {
    Path copy = copyOfDemo();
    Files.delete(copy.resolve("vae_decoder.pt"));
    assertOpenFails(copy, "vae_decoder.pt listed in the manifest is missing");
  }

  @Test
  void namesAFileWhoseChecksumDoesNotMatch() throws IOException {
    Path copy = copyOfDemo();
    Files.writeString(copy.resolve("vocabulary.txt"), "tampered\n", StandardOpenOption.APPEND);
    assertOpenFails(copy, "vocabulary.txt does not match its manifest: sha256 is");
  }

  @Test
  void namesAMalformedManifest() throws IOException {
    Files.writeString(temp.resolve("manifest.json"), "{\"model_id\": \"x\"}");
    assertOpenFails(temp, "field 'schedule' is missing");
  }

  private Path copyOfDemo() throws IOException {
    Path source = DemoModel.directory();
    Path target = temp.resolve("model");
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
    return target;
  }

  private static void assertOpenFails(Path directory, String fragment) {
    ModelArtifactException e =
        assertThrows(ModelArtifactException.class, () -> ModelDirectory.open(directory));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
