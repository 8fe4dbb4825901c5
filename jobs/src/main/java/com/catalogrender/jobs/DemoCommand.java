package com.catalogrender.jobs;

import com.catalogrender.render.RenderConfig;
import com.catalogrender.settings.CatalogSelection;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code demo [--rows N]}: seeds a small catalog and renders it locally; prints where things are.
 */
@Command(name = "demo")
final class DemoCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  private RenderConfig config;

  @Override
  public void check() {
    config = RenderCommand.configure(Map.of(CatalogSelection.RERENDER_ALL, "true"), null);
  }

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    int rows = new OptionTable(spec).<Integer>get("--rows");
    SeedCatalogCommand.seed(spark, DemoPaths.CATALOG, rows, 42);
    int code = RenderCommand.render(spark, config, "demo --rows " + rows);
    System.out.println(
        "\nnext: ./submit.sh sql \"select status, count(*) from renders group by status\"");
    return code;
  }

  @Override
  public String options() {
    return """
      --rows  N  int  24  catalog rows to seed and render
      """;
  }
}
