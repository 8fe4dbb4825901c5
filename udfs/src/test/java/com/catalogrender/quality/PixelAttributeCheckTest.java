package com.catalogrender.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.catalog.DemoPalette;
import com.catalogrender.diffusion.DemoModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Against ground-truth dataset images (rendered by {@code models/scripts/dataset.py}, no model
 * involved; {@code ground_truth_sheet.py} wrote the sheet): right labels must be called right,
 * relabelled colours and backgrounds must be called wrong.
 */
class PixelAttributeCheckTest {
  @Test
  void groundTruthImagesAreCalledRight() throws IOException {
    PixelAttributeCheck check = new PixelAttributeCheck();
    List<GroundTruthSet.Image> images = groundTruth();
    Map<String, int[]> perColour = new TreeMap<>();
    int colours = 0;
    int backgrounds = 0;
    for (GroundTruthSet.Image l : images) {
      PixelAttributeCheck.Seen seen = check.look(l.image(), l.background());
      colours += seen.colourIs(l.colour()) ? 1 : 0;
      backgrounds += seen.backgroundIs(l.background()) ? 1 : 0;
      int[] counts = perColour.computeIfAbsent(l.colour(), c -> new int[2]);
      counts[0] += seen.colourIs(l.colour()) ? 1 : 0;
      counts[1]++;
    }
    StringBuilder detail = new StringBuilder();
    perColour.forEach(
        (c, n) -> detail.append(c).append(' ').append(n[0]).append('/').append(n[1]).append("; "));
    double colourAccuracy = (double) colours / images.size();
    double backgroundAccuracy = (double) backgrounds / images.size();
    System.out.printf(
        "pixel check on %d ground-truth images: colour %.3f, background %.3f (%s)%n",
        images.size(), colourAccuracy, backgroundAccuracy, detail);
    assertTrue(colourAccuracy >= 0.95, "colour accuracy " + colourAccuracy + ": " + detail);
    assertTrue(backgroundAccuracy >= 0.95, "background accuracy " + backgroundAccuracy);
  }

  @Test
  void relabelledImagesAreCalledWrong() throws IOException {
    PixelAttributeCheck check = new PixelAttributeCheck();
    List<GroundTruthSet.Image> images = groundTruth();
    List<String> colourNames = new ArrayList<>(DemoPalette.COLOURS.keySet());
    List<String> backgroundNames = new ArrayList<>(DemoPalette.BACKGROUNDS.keySet());
    int wrongColour = 0;
    int wrongBackground = 0;
    for (GroundTruthSet.Image l : images) {
      // the same picture, claimed to be another colour on another background
      String otherColour =
          colourNames.get((colourNames.indexOf(l.colour()) + 3) % colourNames.size());
      String otherBackground =
          backgroundNames.get(
              (backgroundNames.indexOf(l.background()) + 2) % backgroundNames.size());
      PixelAttributeCheck.Seen seen = check.look(l.image(), otherBackground);
      wrongColour += seen.colourIs(otherColour) ? 0 : 1;
      wrongBackground += seen.backgroundIs(otherBackground) ? 0 : 1;
    }
    assertTrue(wrongColour >= 0.95 * images.size(), wrongColour + " of " + images.size());
    assertTrue(wrongBackground >= 0.95 * images.size(), wrongBackground + " of " + images.size());
  }

  @Test
  void thePaletteIsTheDatasetRenderersColours() throws IOException {
    String vocabulary =
        Files.readString(
            DemoModel.directory().getParent().resolve("scripts/vocabulary.py"),
            StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"([a-z]+)\": \\((\\d+), (\\d+), (\\d+)\\)").matcher(vocabulary);
    int found = 0;
    while (m.find()) {
      int[] rgb = DemoPalette.COLOURS.get(m.group(1));
      assertArrayEquals(
          new int[] {
            Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))
          },
          rgb,
          m.group(1));
      found++;
    }
    assertTrue(found == DemoPalette.COLOURS.size(), "colours in vocabulary.py: " + found);
  }

  private static List<GroundTruthSet.Image> groundTruth() throws IOException {
    return GroundTruthSet.loadPackaged();
  }
}
