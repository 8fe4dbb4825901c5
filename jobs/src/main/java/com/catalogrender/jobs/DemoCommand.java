package com.catalogrender.jobs;

import com.catalogrender.render.RenderConfig;
import com.catalogrender.settings.CatalogSelection;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo [--rows N]}: seeds a small catalog and renders it locally; prints where things are.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Seed a small demo catalog and render it end to end; print where things are.")
final class DemoCommand implements SparkJob {
  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "24",
      showDefaultValue = picocli.CommandLine.Help.Visibility.ALWAYS,
      description = "catalog rows to seed and render")
  int rows;

  private RenderConfig config;

  @Override
  public void check() {
    config = RenderCommand.configure(Map.of(CatalogSelection.RERENDER_ALL, "true"), null);
  }

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    SeedCatalogCommand.seed(spark, DemoPaths.CATALOG, rows, 42);
    int code = RenderCommand.render(spark, config, "demo --rows " + rows);
    System.out.println(
        "\nnext: ./submit.sh sql \"select status, count(*) from renders group by status\"");
    return code;
  }
}
