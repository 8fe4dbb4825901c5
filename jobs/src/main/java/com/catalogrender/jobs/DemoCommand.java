package com.catalogrender.jobs;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code demo [--rows N]}: seeds a small catalog and renders it locally; prints where things are.
 */
final class DemoCommand {
  int run(String[] argv, SparkSession spark) throws Exception {
    CommandArguments args = CommandArguments.parse("demo", argv, List.of("rows"), List.of());
    String rows = args.optional("rows", "24");
    new SeedCatalogCommand()
        .run(new String[] {"--table", DemoPaths.CATALOG, "--rows", rows}, spark);
    new RenderCommand()
        .run(
            new String[] {
              "--catalog",
              DemoPaths.CATALOG,
              "--warehouse",
              DemoPaths.WAREHOUSE,
              "--images",
              DemoPaths.IMAGES,
              "--rerender-all"
            },
            spark);
    System.out.println(
        "\nnext: ./submit.sh sql \"select status, count(*) from renders group by status\"");
    return 0;
  }
}
