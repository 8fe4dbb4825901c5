package com.catalogrender.tables;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * The cost and quality views, defined once in {@code views.sql} (shipped in the jar, beside this
 * class): {@code cost_per_render}, {@code stage_breakdown}, {@code cache_efficiency}, {@code
 * failures}, {@code run_costs}, {@code estimate_error}, {@code quality_by_variant} and {@code
 * live_images}. Each is created where the table it reads exists (and has the column it names): as a
 * temporary view over the session's tables, or as a persistent view in a catalog database.
 */
public final class Views {
  static final String RESOURCE = "views.sql";
  private static final Pattern HEADER =
      Pattern.compile("^-- view: (\\w+) over (\\w+)(?:\\.(\\w+))?\\s*$", Pattern.MULTILINE);

  /**
   * One view of the file.
   *
   * @param name the view's name
   * @param table the table it reads
   * @param column a column the table must have (null: none)
   * @param sql its {@code CREATE OR REPLACE} statement, with {@code ${view}} and {@code ${db}}
   */
  public record View(String name, String table, String column, String sql) {
    /** The statement for a temporary view ({@code database} null) or one in {@code database}. */
    public String statement(String database) {
      return sql.replace("${view}", database == null ? "TEMPORARY VIEW" : "VIEW")
          .replace("${db}", database == null ? "" : quote(database) + ".");
    }
  }

  private Views() {}

  /** The views of {@code views.sql}, in its order. */
  public static List<View> all() {
    String text;
    try (InputStream in = Views.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + RESOURCE, e);
    }
    List<View> views = new ArrayList<>();
    Matcher m = HEADER.matcher(text);
    List<int[]> starts = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (m.find()) {
      starts.add(new int[] {m.start(), m.end()});
      heads.add(new String[] {m.group(1), m.group(2), m.group(3)});
    }
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
      String body = text.substring(starts.get(i)[1], end);
      StringBuilder sql = new StringBuilder();
      for (String line : body.split("\n")) {
        if (!line.strip().startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      String statement = sql.toString().strip();
      if (statement.endsWith(";")) {
        statement = statement.substring(0, statement.length() - 1);
      }
      String[] head = heads.get(i);
      views.add(new View(head[0], head[1], head[2], statement));
    }
    return views;
  }

  /**
   * Creates every view whose table exists: temporary views over the session's tables and views
   * ({@code database} null), or persistent views in {@code database} over its tables. Returns the
   * names created.
   */
  public static List<String> create(SparkSession spark, String database) {
    List<String> created = new ArrayList<>();
    for (View view : all()) {
      boolean exists =
          database == null
              ? spark.catalog().tableExists(view.table())
              : spark.catalog().tableExists(database, view.table());
      if (!exists) {
        continue;
      }
      if (view.column() != null) {
        String table = database == null ? view.table() : database + "." + view.table();
        if (!Arrays.asList(spark.table(table).columns()).contains(view.column())) {
          continue;
        }
      }
      spark.sql(view.statement(database));
      created.add(view.name());
    }
    return created;
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
