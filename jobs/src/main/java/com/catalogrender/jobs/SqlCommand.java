package com.catalogrender.jobs;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sql [--warehouse DIR] [--catalog PATH] [--format table|csv|json] "QUERY"}: Spark SQL with
 * {@code catalog}, {@code renders} and {@code runs} registered as views, and the cost views of
 * {@link com.catalogrender.tables.CostViews} over them.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "Run Spark SQL over catalog, renders, runs, audits and the cost views, e.g."
            + " ./submit.sh sql \"select count(*) from renders\"")
final class SqlCommand implements SparkJob {
  @Parameters(index = "0", paramLabel = "QUERY", description = "the SQL query")
  String query;

  @Mixin TableLocations tables;

  @Option(
      names = "--format",
      paramLabel = "table|csv|json",
      defaultValue = "table",
      showDefaultValue = Visibility.ALWAYS,
      description = "how rows are printed")
  String format;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      showDefaultValue = Visibility.ALWAYS,
      description = "rows shown in table format")
  int limit;

  @Override
  public void check() {
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new IllegalArgumentException(
          "sql: --format must be table, csv or json, got '" + format + "'");
    }
  }

  @Override
  public int run(SparkSession spark) {
    tables.register(spark);
    spark.sparkContext().setJobGroup("catalog-render sql", "catalog-render: sql " + query, false);
    Dataset<Row> result = spark.sql(query);
    switch (format) {
      case "table" -> result.show(limit, false);
      case "json" -> // one object per row; nulls kept, so every row has every column
          result
              .select(
                  org.apache.spark.sql.functions.to_json(
                      org.apache.spark.sql.functions.struct(
                          java.util.Arrays.stream(result.columns())
                              .map(org.apache.spark.sql.functions::col)
                              .toArray(org.apache.spark.sql.Column[]::new)),
                      java.util.Map.of("ignoreNullFields", "false")))
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList()
              .forEach(System.out::println);
      case "csv" -> printCsv(result);
      default ->
          throw new IllegalArgumentException(
              "sql: --format must be table, csv or json, got '" + format + "'");
    }
    return 0;
  }

  private static void printCsv(Dataset<Row> result) {
    System.out.println(String.join(",", result.columns()));
    for (Row row : result.collectAsList()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          line.append(',');
        }
        Object value = row.get(i);
        if (value != null) {
          // plain decimals: spreadsheets and BI tools misread 6.7E-6
          String text =
              value instanceof Double d && Double.isFinite(d)
                  ? java.math.BigDecimal.valueOf(d).toPlainString()
                  : value.toString();
          boolean quote = text.contains(",") || text.contains("\"") || text.contains("\n");
          line.append(quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
        }
      }
      System.out.println(line);
    }
  }
}
