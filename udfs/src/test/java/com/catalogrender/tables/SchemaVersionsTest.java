package com.catalogrender.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * Holds every table's columns to its schema version: {@code schema-versions.txt} records the
 * columns of each version. Changing a table's columns without raising its version (and recording
 * the new one) fails here, and a new version may only add columns, never drop or retype one (what
 * {@link VersionedSchema} can evolve an existing table by).
 */
class SchemaVersionsTest {
  private static final List<VersionedSchema> TABLES =
      List.of(
          RendersTable.VERSIONED,
          RunsTable.VERSIONED,
          AuditsTable.VERSIONED,
          CurrentImagesTable.VERSIONED,
          CalibrationTable.VERSIONED);

  static String columns(VersionedSchema table) {
    List<String> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      columns.add(field.name() + ":" + field.dataType().catalogString());
    }
    return String.join(",", columns);
  }

  /** table -> version -> columns. */
  private static Map<String, Map<Integer, String>> recorded() throws IOException {
    Map<String, Map<Integer, String>> recorded = new TreeMap<>();
    try (InputStream in = SchemaVersionsTest.class.getResourceAsStream("schema-versions.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split(" ", 3);
        recorded
            .computeIfAbsent(parts[0], t -> new TreeMap<>())
            .put(Integer.parseInt(parts[1]), parts[2]);
      }
    }
    return recorded;
  }

  @Test
  void everyTableMatchesTheColumnsRecordedForItsVersion() throws IOException {
    Map<String, Map<Integer, String>> recorded = recorded();
    for (VersionedSchema table : TABLES) {
      String line = table.table() + " " + table.version() + " " + columns(table);
      String columns = recorded.getOrDefault(table.table(), Map.of()).get(table.version());
      if (columns == null) {
        fail(
            "Version "
                + table.version()
                + " of "
                + table.table()
                + " is not recorded in"
                + " schema-versions.txt; add the line:\n"
                + line);
      }
      assertEquals(
          columns,
          columns(table),
          table.table()
              + "'s columns changed but its schema"
              + " version did not: raise the version and record the line\n"
              + line);
    }
  }

  @Test
  void aNewerVersionOnlyAddsColumns() throws IOException {
    recorded()
        .forEach(
            (table, versions) -> {
              List<String> before = null;
              for (Map.Entry<Integer, String> version : versions.entrySet()) {
                List<String> now = Arrays.asList(version.getValue().split(","));
                if (before != null) {
                  for (String column : before) {
                    assertTrue(
                        now.contains(column),
                        table
                            + " version "
                            + version.getKey()
                            + " drops or retypes "
                            + column
                            + ": only added columns can evolve a"
                            + " table");
                  }
                }
                before = now;
              }
            });
  }
}
