package com.catalogrender.jobs;

import com.catalogrender.tables.Warehouse;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code sql [--warehouse DIR] [--catalog PATH] [--format table|csv|json] "QUERY"}: Spark SQL with
 * {@code catalog}, {@code renders} and {@code runs} registered as views, and the cost views of
 * {@link com.catalogrender.tables.CostViews} over them.
 */
final class SqlCommand {
  int run(String[] argv, SparkSession spark) {
    if (argv.length == 0) {
      throw new IllegalArgumentException(
          "sql: give a query, e.g. ./submit.sh sql \"select count(*) from renders\"");
    }
    String query = argv[argv.length - 1];
    String[] options = java.util.Arrays.copyOf(argv, argv.length - 1);
    CommandArguments args =
        CommandArguments.parse(
            "sql", options, List.of("warehouse", "catalog", "format", "limit"), List.of());
    new Warehouse(args.optional("warehouse", DemoPaths.WAREHOUSE))
        .registerViews(spark, args.optional("catalog", DemoPaths.CATALOG));
    spark.sparkContext().setJobGroup("catalog-render sql", "catalog-render: sql " + query, false);
    Dataset<Row> result = spark.sql(query);
    String format = args.optional("format", "table");
    switch (format) {
      case "table" -> result.show(args.integer("limit", 1000), false);
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
