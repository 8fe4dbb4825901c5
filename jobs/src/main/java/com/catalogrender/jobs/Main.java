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
    version = "catalog-render 0.1.0",
    subcommands = {
      DemoCommand.class,
      RenderCommand.class,
      SqlCommand.class,
      CostReportCommand.class,
      CacheWarmupCommand.class,
      CacheStatsCommand.class,
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
    SparkSession spark = SparkSessions.getOrCreate("catalog-render " + name);
    try {
      return job.run(spark);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }
}
