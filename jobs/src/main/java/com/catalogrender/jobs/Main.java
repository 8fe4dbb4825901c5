package com.catalogrender.jobs;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** {@code submit.sh SUBCOMMAND ...}: dispatches to one command; errors print one clear line. */
public final class Main {
  interface Command {
    int run(String[] args) throws Exception;
  }

  private static final Map<String, Command> COMMANDS = new TreeMap<>();

  static {
    COMMANDS.put("render-one", args -> new RenderOneCommand().run(args));
    COMMANDS.put("bench-model", args -> new BenchModelCommand().run(args));
    COMMANDS.put("seed-catalog", args -> new SeedCatalogCommand().run(args, spark("seed-catalog")));
    COMMANDS.put("render", args -> new RenderCommand().run(args, spark("render")));
    COMMANDS.put("sql", args -> new SqlCommand().run(args, spark("sql")));
    COMMANDS.put("demo", args -> new DemoCommand().run(args, spark("demo")));
    COMMANDS.put("sql-server", args -> new SqlServerCommand().run(args, spark("sql-server")));
    COMMANDS.put("cost-report", args -> new CostReportCommand().run(args, spark("cost-report")));
    COMMANDS.put("cache-warmup", args -> new CacheWarmupCommand().run(args, spark("cache-warmup")));
    COMMANDS.put("cache-stats", args -> new CacheStatsCommand().run(args, spark("cache-stats")));
    COMMANDS.put("audit", args -> new AuditCommand().run(args, spark("audit")));
    COMMANDS.put("bench", args -> new BenchCommand().run(args, spark("bench")));
  }

  private Main() {}

  private static org.apache.spark.sql.SparkSession spark(String command) {
    return SparkSessions.getOrCreate("catalog-render " + command);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    if (args.length == 0 || !COMMANDS.containsKey(args[0])) {
      System.err.println(
          (args.length == 0 ? "No command given" : "Unknown command '" + args[0] + "'")
              + ". Commands: "
              + String.join(", ", COMMANDS.keySet()));
      return 2;
    }
    try {
      return COMMANDS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (org.apache.spark.sql.AnalysisException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("error: " + e);
      return 1;
    }
  }
}
