package com.catalogrender.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.catalog.InputHash;
import com.catalogrender.diffusion.DemoModel;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.task.Fingerprint;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {
  private static final ModelManifest MANIFEST =
      ModelDirectory.open(DemoModel.directory()).manifest();

  private static Map<String, String> base() {
    return Map.of(
        "model_dir", DemoModel.directory().toString(),
        "catalog", "/data/catalog",
        "warehouse", "/data/wh",
        "images", "/data/images");
  }

  private static String hash(Map<String, String> settings, long side) {
    Map<String, String> all = new HashMap<>(base());
    all.putAll(settings);
    Fingerprint f = OpenedRun.fingerprint(RenderConfig.parse(all), MANIFEST);
    return InputHash.of(f.row("red mug on wood", "mugs", side, side, 7L, "int8", null));
  }

  @Test
  void everySettingThatChangesPixelsOrEncodingChangesTheHash() {
    String base = hash(Map.of(), 512);
    assertEquals(base, hash(Map.of(), 512));
    for (Map.Entry<String, String> change :
        Map.of(
                "steps", "10",
                "guidance", "5.5",
                "image_format", "jpeg",
                "sharpen", "0.5",
                "caption_rewriter", "gateway")
            .entrySet()) {
      Map<String, String> settings = new HashMap<>(Map.of(change.getKey(), change.getValue()));
      if (change.getKey().equals("caption_rewriter")) {
        settings.put("gateway.url", "http://127.0.0.1:9");
        settings.put("gateway.model", "gpt-4o-mini");
      }
      assertNotEquals(base, hash(settings, 512), change.getKey());
    }
  }

  @Test
  void aComponentThatCannotChangeARowsBytesIsLeftOutForThatRow() {
    // PNG ignores quality; JPEG does not
    assertEquals(hash(Map.of(), 512), hash(Map.of("image_quality", "0.5"), 512));
    assertNotEquals(
        hash(Map.of("image_format", "jpeg"), 512),
        hash(Map.of("image_format", "jpeg", "image_quality", "0.5"), 512));
    // sharpening applies only to images larger than the model's native size
    int native_ = MANIFEST.imageSize();
    assertEquals(hash(Map.of(), native_), hash(Map.of("sharpen", "0.9"), native_));
    assertNotEquals(hash(Map.of(), native_ * 2L), hash(Map.of("sharpen", "0.9"), native_ * 2L));
  }

  @Test
  void theRowsOwnComponentsAndTheModelsFilesAreIn() {
    Fingerprint f = OpenedRun.fingerprint(RenderConfig.parse(base()), MANIFEST);
    Map<String, String> row = f.row("red mug", "mugs", 64L, 64L, 1L, "int8", "sha256:aa");
    for (String key :
        new String[] {
          "prompt",
          "category",
          "width",
          "height",
          "seed",
          "variant",
          "cutout_content",
          "model_files",
          "model_id",
          "model_version",
          "sampler",
          "caption_template",
          "resize"
        }) {
      assertTrue(row.containsKey(key), key);
    }
    assertFalse(f.row("red mug", "mugs", 64L, 64L, 1L, "int8", null).containsKey("cutout_content"));
    assertNotEquals(
        InputHash.of(row),
        InputHash.of(f.row("red mug", "mugs", 64L, 64L, 1L, "int8", "sha256:ab")));
    assertNotEquals(
        InputHash.of(row),
        InputHash.of(f.row("red mug", "lamps", 64L, 64L, 1L, "int8", "sha256:aa")));
  }
}
