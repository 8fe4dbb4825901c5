package com.catalogrender.diffusion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A model directory whose manifest was read and whose files were checked against their sha256, so
 * that a truncated copy or a file from another model fails here, with the file named, and not as a
 * shape error deep inside the sampler.
 */
public final class ModelDirectory {
  private final Path root;
  private final ModelManifest manifest;

  private ModelDirectory(Path root, ModelManifest manifest) {
    this.root = root;
    this.manifest = manifest;
  }

  /**
   * Reads the manifest and verifies every file it lists, and that each tokenizer's ids fit its text
   * encoder's vocabulary: a broken model fails here, on the driver, before any Spark job starts.
   */
  public static ModelDirectory open(Path root) {
    ModelManifest manifest = ModelManifest.read(root);
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      verify(root, file.getKey(), file.getValue());
    }
    for (TextEncoderSpec encoder : manifest.pipeline().textEncoders()) {
      if (encoder.tokenizer() != null) {
        checkTokenizerFits(root.resolve(encoder.tokenizer()), encoder);
      }
    }
    return new ModelDirectory(root, manifest);
  }

  /** The largest id a tokenizer.json can produce must be below the encoder's vocabulary size. */
  private static void checkTokenizerFits(Path tokenizer, TextEncoderSpec encoder) {
    long largest = -1;
    try {
      com.fasterxml.jackson.databind.JsonNode json =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenizer.toFile());
      for (com.fasterxml.jackson.databind.JsonNode id : json.path("model").path("vocab")) {
        largest = Math.max(largest, id.asLong());
      }
      for (com.fasterxml.jackson.databind.JsonNode added : json.path("added_tokens")) {
        largest = Math.max(largest, added.path("id").asLong());
      }
    } catch (IOException e) {
      throw new ModelArtifactException(
          "Tokenizer " + tokenizer + " is not a readable tokenizer.json: " + e.getMessage(), e);
    }
    if (largest < 0) {
      throw new ModelArtifactException(
          "Tokenizer " + tokenizer + " has no vocabulary (model.vocab is empty or missing)");
    }
    if (largest >= encoder.vocabularySize()) {
      throw new ModelArtifactException(
          "Tokenizer "
              + tokenizer
              + " has ids up to "
              + largest
              + ", but text encoder "
              + encoder.file()
              + " has a vocabulary of "
              + encoder.vocabularySize()
              + ": the tokenizer does not belong to this encoder. Export them together.");
    }
  }

  public Path root() {
    return root;
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /** Path of a TorchScript module listed in the manifest, e.g. {@code unet_int8}. */
  public Path module(String name) {
    String file = name + ".pt";
    if (!manifest.files().containsKey(file)) {
      throw new ModelArtifactException(
          "Model "
              + manifest.modelId()
              + " at "
              + root
              + " has no module '"
              + name
              + "' in its manifest; it lists "
              + manifest.files().keySet());
    }
    return root.resolve(file);
  }

  private static void verify(Path root, String name, String expected) {
    Path path = root.resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new ModelArtifactException(
          "Model file "
              + path
              + " listed in the manifest is missing. Rebuild the model with"
              + " models/scripts/export.py or restore the file from git.");
    }
    ModelArtifactException.checkSha256(
        path.toString(),
        sha256(path),
        expected,
        "The file is corrupt or from another model build; restore it.");
  }

  static String sha256(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new ModelArtifactException("Cannot read model file " + path + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
