package com.catalogrender.jobs;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sql [--warehouse DIR] [--catalog PATH] [--format table|csv|json] "QUERY"}: Spark SQL with
 * {@code catalog}, {@code renders} and {@code runs} registered as views, and the cost views of
 * {@link com.catalogrender.tables.Views} over them.
 */
@Command(name = "sql")
final class SqlCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "the SQL query")
  String query;

  @Override
  public void check() {
    String format = new OptionTable(spec).get("--format");
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new IllegalArgumentException(
          "sql: --format must be table, csv or json, got '" + format + "'");
    }
  }

  @Override
  public String metastoreWarehouse() {
    return TableLocations.metastoreWarehouse(new OptionTable(spec));
  }

  @Override
  public int run(SparkSession spark) {
    OptionTable o = new OptionTable(spec);
    TableLocations.register(spark, o);
    spark.sparkContext().setJobGroup("catalog-render sql", "catalog-render: sql " + query, false);
    Dataset<Row> result = spark.sql(query);
    switch (o.<String>get("--format")) {
      case "table" -> result.show(o.<Integer>get("--limit"), false);
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
      default -> throw new IllegalStateException("checked in check()");
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

  @Override
  public String options() {
    return TableLocations.OPTIONS
        + """
          --format  table|csv|json  text  table  how rows are printed
          --limit   N               int   1000   rows shown in table format
          """;
  }
}
