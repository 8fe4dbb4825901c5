package com.catalogrender.caption;

import java.util.Locale;
import java.util.Map;

/**
 * The offline, deterministic caption rewriter: a customer prompt ("white sneaker on beach") plus a
 * category-aware lighting phrase in the words the demo model was trained on ("..., studio lighting
 * from upper-left"). Common catalog wording is mapped to the model's words first ({@link
 * CatalogWording}: "wooden table" -> wood). A prompt that already names its lighting keeps it.
 */
public final class TemplateCaptionRewriter implements CaptionRewriter {
  public static final String SOURCE = Caption.TEMPLATE;

  /** Bump when the template's wording or rules change: every template caption may change. */
  public static final String VERSION = "template-3";

  private static final Map<String, String> LIGHT_BY_CATEGORY =
      Map.of(
          "sneaker", "upper-left",
          "mug", "upper-right",
          "bottle", "front",
          "box", "upper-left",
          "watch", "front",
          "lamp", "upper-right");
  private static final String[] FALLBACK_LIGHTS = {"upper-left", "upper-right", "front"};

  @Override
  public Caption rewrite(String category, String prompt, boolean bypassCache) {
    long start = System.nanoTime();
    String text = caption(category, prompt);
    return new Caption(
        text, SOURCE, SOURCE, null, 0, 0, null, 0, (System.nanoTime() - start) / 1e9, null);
  }

  /** The caption for one row; never null. */
  public String caption(String category, String prompt) {
    String base = CatalogWording.normalise(prompt.trim().replaceAll("\\s+", " "));
    if (base.toLowerCase(Locale.ROOT).contains("lighting")) {
      return base;
    }
    return base + ", studio lighting from " + lightFor(category);
  }

  static String lightFor(String category) {
    String key = category == null ? "" : category.trim().toLowerCase(Locale.ROOT);
    if (key.endsWith("es") && LIGHT_BY_CATEGORY.containsKey(key.substring(0, key.length() - 2))) {
      key = key.substring(0, key.length() - 2);
    } else if (key.endsWith("s")) {
      key = key.substring(0, key.length() - 1);
    }
    String light = LIGHT_BY_CATEGORY.get(key);
    return light != null
        ? light
        : FALLBACK_LIGHTS[Math.floorMod(key.hashCode(), FALLBACK_LIGHTS.length)];
  }
}
