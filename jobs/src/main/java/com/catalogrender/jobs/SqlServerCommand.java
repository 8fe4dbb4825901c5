package com.catalogrender.jobs;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sql-server [--warehouse DIR] [--catalog PATH] [--host H] [--port N]}: Spark's Thrift JDBC
 * server over the same tables and views as {@code sql}, for BI tools and beeline. One shared
 * session (spark.sql.hive.thriftServer.singleSession), so every connection sees the views.
 */
@Command(name = "sql-server")
public final class SqlServerCommand implements SparkJob, OptionTable.Declared {
  @Spec CommandSpec spec;

  public static final String SINGLE_SESSION = "spark.sql.hive.thriftServer.singleSession";

  @Override
  public void check() {
    int port = new OptionTable(spec).get("--port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("sql-server: --port must be in [1, 65535], got " + port);
    }
  }

  @Override
  public String metastoreWarehouse() {
    return TableLocations.metastoreWarehouse(new OptionTable(spec));
  }

  @Override
  public int run(SparkSession spark) throws InterruptedException {
    HiveThriftServer2 server = start(spark);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "sql-server-stop"));
    Thread.currentThread().join();
    return ExitCodes.SUCCESS;
  }

  /** Starts the server with these arguments (for tests and embedding); the caller stops it. */
  public static HiveThriftServer2 start(String[] argv, SparkSession spark) {
    SqlServerCommand command = new SqlServerCommand();
    picocli.CommandLine cli = new picocli.CommandLine(command);
    OptionTable.addTo(cli.getCommandSpec(), command.options());
    cli.parseArgs(argv);
    command.check();
    return command.start(spark);
  }

  private HiveThriftServer2 start(SparkSession spark) {
    if (!"true".equals(spark.conf().get(SINGLE_SESSION, "false"))) {
      throw new IllegalStateException(SINGLE_SESSION + " must be true when the session starts");
    }
    OptionTable o = new OptionTable(spec);
    String host = o.get("--host");
    int port = o.get("--port");
    TableLocations.register(spark, o);
    spark.conf().set("hive.server2.thrift.bind.host", host);
    spark.conf().set("hive.server2.thrift.port", Integer.toString(port));
    spark.conf().set("hive.server2.transport.mode", "binary");
    spark
        .sparkContext()
        .setJobGroup("catalog-render sql-server", "catalog-render: JDBC queries", false);
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    System.out.printf(
        "JDBC server on jdbc:hive2://%s:%d/default with catalog, renders, runs, cost_per_render, stage_breakdown,"
            + " cache_efficiency, failures%n"
            + "try: java -cp \"$(cat jobs/target/runtime-classpath.txt)\" org.apache.hive.beeline.BeeLine"
            + " -u jdbc:hive2://%s:%d/default -e \"select * from stage_breakdown\"%n",
        host, port, host, port);
    return server;
  }

  @Override
  public String options() {
    return TableLocations.OPTIONS
        + """
          --host  HOST  text  127.0.0.1  the address to listen on
          --port  N     int   10000      the port to listen on
          """;
  }
}
