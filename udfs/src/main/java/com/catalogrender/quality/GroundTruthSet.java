package com.catalogrender.quality;

import com.catalogrender.config.SettingsFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Ground-truth dataset images: what the demo model's dataset renderer draws for each category x
 * colour x background (no model involved), written by {@code models/scripts/ground_truth_sheet.py}
 * as one sheet of 64x64 tiles and a CSV of their attributes. Judges of generated images are checked
 * against these first.
 */
public final class GroundTruthSet {
  private static final int TILE = 64;

  /** One ground-truth image and what it shows. */
  public record Image(
      BufferedImage image, String category, String colour, String background, boolean heldOut) {}

  private GroundTruthSet() {}

  /** The images of the set in {@code directory} ({@code sheet.png} + {@code attributes.csv}). */
  public static List<Image> load(Path directory) throws IOException {
    Path sheetFile = directory.resolve("sheet.png");
    Path attributes = directory.resolve("attributes.csv");
    if (!Files.isRegularFile(sheetFile) || !Files.isRegularFile(attributes)) {
      throw new IOException(
          "No ground-truth set in "
              + directory
              + " (sheet.png, attributes.csv); write one with models/scripts/ground_truth_sheet.py");
    }
    return parse(
        ImageIO.read(sheetFile.toFile()), Files.readAllLines(attributes, StandardCharsets.UTF_8));
  }

  /** The set packaged in the jar from {@code conf/audit/ground-truth} (no working directory). */
  public static List<Image> loadPackaged() throws IOException {
    BufferedImage sheet =
        ImageIO.read(
            new java.io.ByteArrayInputStream(
                SettingsFiles.packaged("audit/ground-truth/sheet.png")));
    String attributes =
        new String(
            SettingsFiles.packaged("audit/ground-truth/attributes.csv"), StandardCharsets.UTF_8);
    return parse(sheet, attributes.lines().toList());
  }

  private static List<Image> parse(BufferedImage sheet, List<String> attributeLines) {
    int columns = sheet.getWidth() / TILE;
    List<Image> out = new ArrayList<>();
    for (String line : attributeLines) {
      String[] r = line.split(",");
      if (line.isBlank() || r[0].equals("index")) {
        continue;
      }
      int i = Integer.parseInt(r[0]);
      BufferedImage tile =
          sheet.getSubimage((i % columns) * TILE, (i / columns) * TILE, TILE, TILE);
      out.add(new Image(tile, r[1], r[2], r[3], Boolean.parseBoolean(r[5])));
    }
    return out;
  }

  /**
   * How often {@code scorer} names each attribute (category, colour, background) of the
   * ground-truth images right: reported next to its verdicts on generated images, so a reader sees
   * whether the judge itself can be trusted.
   */
  public static java.util.Map<String, Double> scorerAccuracy(
      ClipScorer scorer, List<Image> images) {
    java.util.Map<String, Double> accuracy = new java.util.LinkedHashMap<>();
    for (String attribute : List.of("category", "colour", "background")) {
      accuracy.put(attribute, 0.0);
    }
    for (Image image : images) {
      java.util.Map<String, String> truth = new java.util.LinkedHashMap<>();
      truth.put("category", image.category());
      truth.put("colour", image.colour());
      truth.put("background", image.background());
      truth.put("lighting", "front");
      java.util.Map<String, String> seen = scorer.recognise(image.image(), truth);
      for (String attribute : accuracy.keySet()) {
        if (truth.get(attribute).equals(seen.get(attribute))) {
          accuracy.merge(attribute, 1.0 / images.size(), Double::sum);
        }
      }
    }
    return accuracy;
  }

  /** One line: the scorer's accuracy per attribute on the ground-truth set in {@code directory}. */
  public static String describeScorer(ClipScorer scorer, Path directory) {
    try {
      List<Image> images = directory == null ? loadPackaged() : load(directory);
      java.util.Map<String, Double> accuracy = scorerAccuracy(scorer, images);
      return String.format(
          java.util.Locale.ROOT,
          "learned scorer on %d ground-truth images (the renderer's, no model): category %.3f,"
              + " colour %.3f, background %.3f",
          images.size(),
          accuracy.get("category"),
          accuracy.get("colour"),
          accuracy.get("background"));
    } catch (IOException e) {
      return "learned scorer on ground truth: not measured (" + e.getMessage() + ")";
    }
  }
}
