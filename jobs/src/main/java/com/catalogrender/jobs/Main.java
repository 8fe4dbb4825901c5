package com.catalogrender.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code submit.sh COMMAND [OPTIONS]}: parses the whole command line first (usage errors exit 2
 * before any SparkSession starts), then runs one command and stops the SparkSession it started on
 * every path, so cluster managers see a clean finish. Exit codes: {@link ExitCodes}.
 */
@Command(
    name = "submit.sh",
    description = "catalog-render: re-render a product catalog with a diffusion model on Spark.",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    version = "catalog-render 0.1.0",
    subcommands = {
      DemoCommand.class,
      RenderCommand.class,
      SqlCommand.class,
      CostReportCommand.class,
      CacheWarmupCommand.class,
      CacheStatsCommand.class,
      CalibrateCommand.class,
      MaintainCommand.class,
      AuditCommand.class,
      SqlServerCommand.class,
      SeedCatalogCommand.class,
      RenderOneCommand.class,
      BenchModelCommand.class,
      BenchCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 failure, 2 usage error, 3 audit verdict failed,"
          + " 4 budget exhausted with rows left."
    })
public final class Main implements Callable<Integer> {
  /** What the one-line commands do: their --help and the command list show it. */
  private static final String DESCRIPTIONS =
      """
      bench         Job efficiency against the bare model loop, cost naive vs optimised, embedding cache hit rate and the model benchmark, every ratio measured in this one run; --scale-simulated: the job at 10^4-10^6 rows with simulated device work.
      bench-model   UNet ms per step, fp32 vs int8 at 1 and 8 images, in alternating rounds; held-out similarity of both variants. A benchmark: it prints figures.
      cache-stats   Show what the Redis embedding cache holds (--spark-conf spark.redis.host=HOST): keys, memory, TTL spread.
      cost-report   Print a run's stage table (share of time and cost, EUR per render) and write a PNG chart next to its images.
      sql           Run Spark SQL over catalog, renders, runs, audits and the cost views, e.g. ./submit.sh sql "select count(*) from renders"
      demo          Seed a small demo catalog and render it end to end; print where things are.
      seed-catalog  Write a demo catalog (prompts and cut-outs) as a Delta table.
      sql-server    Serve the same tables and views as sql over Spark's Thrift JDBC server.
      render-one    Render one image from a caption, without Spark.
      """;

  private Main() {}

  @Override
  public Integer call() {
    return ExitCodes.USAGE; // no command given: picocli prints the usage
  }

  /** The command line of every command, as picocli parses it (options, help texts). */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    RenderSettingOptions.addTo(cli.getSubcommands().get("render").getCommandSpec());
    RenderSettingOptions.addTo(cli.getSubcommands().get("cache-warmup").getCommandSpec());
    RenderSettingOptions.addTo(cli.getSubcommands().get("calibrate").getCommandSpec());
    OptionTable.addAll(cli);
    DESCRIPTIONS
        .lines()
        .map(line -> line.trim().split(" {2,}", 2))
        .forEach(
            row ->
                cli.getSubcommands()
                    .get(row[0])
                    .getCommandSpec()
                    .usageMessage()
                    .description(row[1]));
    for (CommandLine command : cli.getSubcommands().values()) {
      command.getCommandSpec().mixinStandardHelpOptions(true);
      command.getCommandSpec().usageMessage().showDefaultValues(true);
    }
    return cli;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    CommandLine cli = commandLine();
    PrintWriter err = new PrintWriter(System.err, true);
    CommandLine.ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("error: " + e.getMessage());
      err.println(
          "usage: "
              + e.getCommandLine().getCommandSpec().qualifiedName()
              + " --help for the options");
      return ExitCodes.USAGE;
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return ExitCodes.SUCCESS;
    }
    if (!parsed.hasSubcommand()) {
      err.println("No command given.");
      cli.usage(err);
      return ExitCodes.USAGE;
    }
    CommandLine.ParseResult sub = parsed.subcommand();
    Object command = sub.commandSpec().userObject();
    try {
      if (command instanceof LocalJob local) {
        return local.run();
      }
      SparkJob job = (SparkJob) command;
      job.check();
      return runOnSpark(job, sub.commandSpec().name());
    } catch (IllegalArgumentException | AnalysisException e) {
      err.println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (Exception e) {
      err.println("error: " + e);
      return ExitCodes.FAILURE;
    }
  }

  /** Runs {@code job}, stopping the session afterwards when this call started it. */
  private static int runOnSpark(SparkJob job, String name) throws Exception {
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark =
        SparkSessions.getOrCreate("catalog-render " + name, job.metastoreWarehouse());
    try {
      return job.run(spark);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }
}
