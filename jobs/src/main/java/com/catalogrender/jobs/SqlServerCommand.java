package com.catalogrender.jobs;

import com.catalogrender.tables.Warehouse;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * {@code sql-server [--warehouse DIR] [--catalog PATH] [--host H] [--port N]}: Spark's Thrift JDBC
 * server over the same tables and views as {@code sql}, for BI tools and beeline. One shared
 * session (spark.sql.hive.thriftServer.singleSession), so every connection sees the views.
 */
public final class SqlServerCommand {
  public static final String SINGLE_SESSION = "spark.sql.hive.thriftServer.singleSession";

  int run(String[] argv, SparkSession spark) throws InterruptedException {
    HiveThriftServer2 server = start(argv, spark);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "sql-server-stop"));
    Thread.currentThread().join();
    return 0;
  }

  /** Starts the server and returns it; the caller stops it. */
  public static HiveThriftServer2 start(String[] argv, SparkSession spark) {
    CommandArguments args =
        CommandArguments.parse(
            "sql-server", argv, List.of("warehouse", "catalog", "host", "port"), List.of());
    if (!"true".equals(spark.conf().get(SINGLE_SESSION, "false"))) {
      throw new IllegalStateException(SINGLE_SESSION + " must be true when the session starts");
    }
    String host = args.optional("host", "127.0.0.1");
    int port = args.integer("port", 10000);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("sql-server: --port must be in [1, 65535], got " + port);
    }
    new Warehouse(args.optional("warehouse", DemoPaths.WAREHOUSE))
        .registerViews(spark, args.optional("catalog", DemoPaths.CATALOG));
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
}
