package com.catalogrender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages in pipeline order: a class may use its own package and those before it, never one after
 * it. Reads every main source file for {@code com.catalogrender.<package>} (imports and qualified
 * names alike) and fails with each back-running use.
 */
class PackageDirectionTest {
  /**
   * Foundations first (setting values, the stage vocabulary and clock, the file systems images live
   * on), then the stages a row passes through, then what records them, then the executor task and
   * the driver that runs it.
   */
  static final List<String> ORDER =
      List.of(
          "config",
          "measure",
          "io",
          "catalog",
          "caption",
          "embedding",
          "diffusion",
          "runtime",
          "post",
          "cost",
          "budget",
          "results",
          "tables",
          "settings",
          "task",
          "render",
          "quality",
          "bench");

  private static final Path SOURCES = Path.of("src/main/java/com/catalogrender");
  private static final Pattern USE = Pattern.compile("com\\.catalogrender\\.([a-z]+)\\b");

  @Test
  void noImportRunsAgainstThePipeline() throws IOException {
    List<String> backwards = backRunning(SOURCES);
    assertEquals(List.of(), backwards, "imports against the pipeline direction");
  }

  @Test
  void everyPackageHasAPlaceInTheOrder() throws IOException {
    TreeSet<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    packages.removeAll(ORDER);
    assertEquals(new TreeSet<>(), packages, "packages missing from PackageDirectionTest.ORDER");
  }

  @Test
  void theCheckSeesABackRunningImport(@org.junit.jupiter.api.io.TempDir Path root)
      throws IOException {
    Path file = root.resolve("catalog/Bad.java");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "package com.catalogrender.catalog;\nimport com.catalogrender.render.RenderRun;\n");
    List<String> found = backRunning(root);
    assertTrue(found.size() == 1 && found.get(0).contains("catalog -> render"), found.toString());
  }

  static List<String> backRunning(Path sources) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String from = sources.relativize(file).getName(0).toString();
        int fromRank = ORDER.indexOf(from);
        Matcher m = USE.matcher(Files.readString(file));
        while (m.find()) {
          String to = m.group(1);
          int toRank = ORDER.indexOf(to);
          if (!to.equals(from) && toRank > fromRank) {
            found.add(sources.relativize(file) + ": " + from + " -> " + to);
          }
        }
      }
    }
    return found;
  }
}
