package com.catalogrender.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo model's dataset renderer ({@code models/scripts/dataset.py}) paints, in pixels:
 * each colour word's RGB, and each background's look as a few RGB prototypes (its gradients' ends
 * and middles, its grain or veins). The pixel check measures generated images against these, so it
 * learns nothing from generated images; the demo catalog paints its cut-outs with the same colours.
 * {@code PixelAttributeCheckTest} checks the colours against {@code vocabulary.py}.
 */
public final class DemoPalette {
  /** Colour words and the RGB the renderer paints them with (before lighting). */
  public static final Map<String, int[]> COLOURS;

  /** Background words and RGB prototypes of how the renderer paints them. */
  public static final Map<String, List<int[]>> BACKGROUNDS;

  static {
    Map<String, int[]> colours = new LinkedHashMap<>();
    Map<String, List<int[]>> backgrounds = new LinkedHashMap<>();
    colours.put("red", new int[] {200, 40, 40});
    colours.put("blue", new int[] {40, 80, 200});
    colours.put("green", new int[] {40, 160, 70});
    colours.put("yellow", new int[] {230, 200, 40});
    colours.put("white", new int[] {235, 235, 235});
    colours.put("black", new int[] {30, 30, 30});
    colours.put("orange", new int[] {240, 130, 30});
    colours.put("purple", new int[] {130, 60, 170});
    // studio white: 235-245 grey, a soft vignette, a floor 12 darker
    backgrounds.put("studio white", rgbs("245,245,245 236,236,236 226,226,226 216,216,216"));
    // beach: sky gradient (110,170,235) -> (140,195,235), sea (30,115-135,170), sand
    backgrounds.put(
        "beach",
        rgbs("110,170,235 125,182,235 140,195,235 30,115,170 30,130,170 232,207,150 238,212,150"));
    // marble: grey 125-215 veins with a slight blue tint
    backgrounds.put("marble", rgbs("215,215,221 200,200,206 180,180,186 155,155,161 128,128,134"));
    // wood: grain between (150,95,50) and (185,120,65)
    backgrounds.put("wood", rgbs("150,95,50 160,102,54 172,111,60 185,120,65"));
    // pastel gradient: pink (250,200,215) to lavender (200,200,250)
    backgrounds.put("pastel gradient", rgbs("250,200,215 237,200,224 225,200,232 200,200,250"));
    COLOURS = java.util.Collections.unmodifiableMap(colours);
    BACKGROUNDS = java.util.Collections.unmodifiableMap(backgrounds);
  }

  private DemoPalette() {}

  /** "r,g,b r,g,b ..." as RGB triples. */
  private static List<int[]> rgbs(String triples) {
    List<int[]> out = new java.util.ArrayList<>();
    for (String triple : triples.trim().split("\\s+")) {
      String[] c = triple.split(",");
      out.add(new int[] {Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2])});
    }
    return List.copyOf(out);
  }
}
