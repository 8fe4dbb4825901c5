package com.catalogrender.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo model's dataset renderer ({@code models/scripts/dataset.py}) paints, in pixels:
 * each colour word's RGB, and each background's look as a few RGB prototypes (its gradients' ends
 * and middles, its grain or veins). The pixel check measures generated images against these, so it
 * learns nothing from generated images. {@code PixelAttributeCheckTest} checks the colours against
 * {@code vocabulary.py}.
 */
public final class DemoPalette {
  /** Colour words and the RGB the renderer paints them with (before lighting). */
  public static final Map<String, int[]> COLOURS = new LinkedHashMap<>();

  /** Background words and RGB prototypes of how the renderer paints them. */
  public static final Map<String, List<int[]>> BACKGROUNDS = new LinkedHashMap<>();

  static {
    COLOURS.put("red", new int[] {200, 40, 40});
    COLOURS.put("blue", new int[] {40, 80, 200});
    COLOURS.put("green", new int[] {40, 160, 70});
    COLOURS.put("yellow", new int[] {230, 200, 40});
    COLOURS.put("white", new int[] {235, 235, 235});
    COLOURS.put("black", new int[] {30, 30, 30});
    COLOURS.put("orange", new int[] {240, 130, 30});
    COLOURS.put("purple", new int[] {130, 60, 170});
    // studio white: 235-245 grey, a soft vignette, a floor 12 darker
    BACKGROUNDS.put(
        "studio white",
        List.of(rgb(245, 245, 245), rgb(236, 236, 236), rgb(226, 226, 226), rgb(216, 216, 216)));
    // beach: sky gradient (110,170,235) -> (137,192,235), sea (30,115,170)-(30,135,170), sand
    BACKGROUNDS.put(
        "beach",
        List.of(
            rgb(110, 170, 235),
            rgb(125, 182, 235),
            rgb(140, 195, 235),
            rgb(30, 115, 170),
            rgb(30, 130, 170),
            rgb(232, 207, 150),
            rgb(238, 212, 150)));
    // marble: grey 125-215 veins with a slight blue tint
    BACKGROUNDS.put(
        "marble",
        List.of(
            rgb(215, 215, 221),
            rgb(200, 200, 206),
            rgb(180, 180, 186),
            rgb(155, 155, 161),
            rgb(128, 128, 134)));
    // wood: grain between (150,95,50) and (185,120,65)
    BACKGROUNDS.put(
        "wood", List.of(rgb(150, 95, 50), rgb(160, 102, 54), rgb(172, 111, 60), rgb(185, 120, 65)));
    // pastel gradient: pink (250,200,215) to lavender (200,200,250)
    BACKGROUNDS.put(
        "pastel gradient",
        List.of(rgb(250, 200, 215), rgb(237, 200, 224), rgb(225, 200, 232), rgb(200, 200, 250)));
  }

  private DemoPalette() {}

  private static int[] rgb(int r, int g, int b) {
    return new int[] {r, g, b};
  }
}
