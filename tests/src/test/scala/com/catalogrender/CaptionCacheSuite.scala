package com.catalogrender

import com.catalogrender.caption.{FakeGateway, GatewayFlavor}
import com.catalogrender.catalog.DemoCatalog
import com.catalogrender.render.{RenderConfig, RenderRun}
import com.catalogrender.results.RunSummary
import org.apache.hadoop.security.alias.CredentialProviderFactory
import org.apache.logging.log4j.LogManager
import org.apache.logging.log4j.core.{LoggerContext, LogEvent}
import org.apache.logging.log4j.core.appender.AbstractAppender
import org.apache.logging.log4j.core.config.Property
import org.apache.spark.scheduler.{SparkListener, SparkListenerTaskEnd}
import org.apache.spark.sql.Row
import org.apache.spark.sql.functions.col
import org.scalatest.funsuite.AnyFunSuite
import redis.clients.jedis.Jedis
import redis.embedded.RedisServer

import java.net.ServerSocket
import java.sql.Timestamp
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicBoolean
import scala.jdk.CollectionConverters._

/**
 * Captions through a (fake) LLM gateway and text embeddings through a real Redis, in the real
 * render job: one request per distinct prompt, long-tail bypass, costs from usage, fallbacks when
 * the gateway is down, a second run served by the caches, and a Redis killed mid-run.
 */
class CaptionCacheSuite extends AnyFunSuite with LocalSpark {
  private val apiKey = "sk-live-7d3e9b21c4a8f6"

  /** 40 rows: mugs 20 (5 prompts), sneakers 17 (3 prompts), lamps 2 (long tail), 1 bad row. */
  private def writeCatalog(path: String): Unit = {
    val now = new Timestamp(0)
    def row(sku: String, category: String, prompt: String, seed: Long) =
      Row(sku, category, prompt, 64, 64, seed, null, now)
    val mugs = (0 until 20).map(i => row(f"MUG-$i%03d", "mugs", Seq("red", "blue", "green", "yellow", "white")(i % 5) + " mug on wood", i))
    val sneakers = (0 until 17).map(i => row(f"SNK-$i%03d", "sneakers", Seq("black", "white", "orange")(i % 3) + " sneaker on beach", 100 + i))
    val lamps = (0 until 2).map(i => row(f"LMP-$i%03d", "lamps", "purple lamp on marble", 200 + i))
    val bad = Seq(row("BAD-000", "mugs", "   ", 300))
    spark.createDataFrame((mugs ++ sneakers ++ lamps ++ bad).asJava, DemoCatalog.SCHEMA).write.format("delta").save(path)
  }

  private def freePort(): Int = { val s = new ServerSocket(0); try s.getLocalPort finally s.close() }

  private def config(dir: String, extra: (String, String)*): RenderConfig =
    RenderConfig.parse((Map(
      "catalog" -> workDir.resolve("catalog").toString,
      "warehouse" -> workDir.resolve(dir).resolve("warehouse").toString,
      "images" -> workDir.resolve(dir).resolve("images").toString,
      "model_dir" -> modelDir.toString,
      "steps" -> "4",
      "batch_size" -> "4",
      "contact_sheet_size" -> "0",
      "rates" -> root.resolve("conf/rates.properties").toString,
      "caption_rewriter" -> "gateway",
      "gateway.backoff_seconds" -> "0.01",
      "gateway.max_backoff_seconds" -> "0.2",
      "gateway.timeout_seconds" -> "5"
    ) ++ extra).asJava)

  private def run(cfg: RenderConfig): RunSummary = new RenderRun(spark, cfg, (_: String) => ()).execute("test")

  private def renders(dir: String, runId: String) =
    spark.read.format("delta").load(workDir.resolve(dir).resolve("warehouse/renders").toString).where(col("run_id") === runId)

  private def runRow(dir: String, runId: String): Row =
    spark.read.format("delta").load(workDir.resolve(dir).resolve("warehouse/runs").toString).where(col("run_id") === runId).collect().head

  /** Every formatted log line of the run, to prove the key never appears. */
  private val logLines = new ConcurrentLinkedQueue[String]()
  private lazy val capture = {
    val appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
      override def append(event: LogEvent): Unit = {
        logLines.add(event.getMessage.getFormattedMessage)
        Option(event.getThrown).foreach(t => logLines.add(t.toString))
      }
    }
    appender.start()
    val context = LogManager.getContext(false).asInstanceOf[LoggerContext]
    context.getRootLogger.addAppender(appender)
    appender
  }

  override protected def beforeAll(): Unit = {
    super.beforeAll()
    capture
    writeCatalog(workDir.resolve("catalog").toString)
    // the key lives in a Hadoop credential provider (a JCEKS file), never in settings or confs
    val hadoop = spark.sparkContext.hadoopConfiguration
    hadoop.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, "jceks://file" + workDir.resolve("keys.jceks"))
    val provider = CredentialProviderFactory.getProviders(hadoop).get(0)
    provider.createCredentialEntry("catalog-render.gateway.api-key", apiKey.toCharArray)
    provider.flush()
  }

  test("one request per distinct prompt, long tail bypasses the cache, cost from usage; a second run hits both caches") {
    val port = freePort()
    val redis = new RedisServer(port)
    redis.start()
    val gateway = new FakeGateway(GatewayFlavor.BIFROST)
    try {
      val settings = Seq("gateway.url" -> gateway.url(), "gateway.flavor" -> "bifrost", "gateway.long_tail_share" -> "0.1",
        "spark.redis.host" -> "127.0.0.1", "spark.redis.port" -> port.toString, "embedding_cache" -> "redis")
      val first = run(config("cached", settings: _*))
      assert(first.rowsOk == 39 && first.rowsFailed == 1, s"ok ${first.rowsOk} failed ${first.rowsFailed}")

      // exactly one request per distinct valid prompt: 5 mugs + 3 sneakers + 1 lamp; none for the bad row
      val received = gateway.received().asScala
      assert(received.size == 9, received.map(_.prompt()))
      assert(received.map(r => (r.category(), r.prompt())).distinct.size == 9)
      for (r <- received) {
        assert(r.headers().get("authorization") == "Bearer " + apiKey)
        if (r.category() == "lamps") {
          assert(r.headers().get("x-bf-cache-no-store") == "true" && !r.headers().containsKey("x-bf-cache-key"))
        } else {
          assert(r.headers().get("x-bf-cache-key") == "catalog-render:" + r.category() && !r.headers().containsKey("x-bf-cache-no-store"))
          assert(r.headers().get("x-bf-cache-threshold") == "0.94")
        }
      }

      val rows = renders("cached", first.runId).where(col("status") === "ok").collect()
      assert(rows.forall(_.getAs[String]("caption_source") == "gateway"))
      val promptOf = spark.read.format("delta").load(workDir.resolve("catalog").toString).collect()
        .map(r => r.getAs[String]("sku") -> r.getAs[String]("prompt")).toMap
      for (r <- rows) assert(r.getAs[String]("caption") == FakeGateway.captionFor(promptOf(r.getAs[String]("sku"))))
      val prompts = received.map(_.prompt())
      val tokensIn = prompts.map(FakeGateway.promptTokens).sum
      assert(rows.map(_.getAs[Long]("api_tokens_in")).sum == tokensIn, "tokens split over rows add up exactly")
      assert(rows.map(_.getAs[Long]("api_tokens_out")).sum == 9 * FakeGateway.COMPLETION_TOKENS)
      val priced = tokensIn * 0.138 / 1e6 + 9 * FakeGateway.COMPLETION_TOKENS * 0.552 / 1e6 // gpt-4o-mini rates
      val runs1 = runRow("cached", first.runId)
      assert(math.abs(runs1.getAs[Double]("caption_cost_eur") - priced) < 1e-12)
      // every row sharing a caption carries its share, failed rows included: the rows add up
      val rowsCaptionEur = renders("cached", first.runId).agg(org.apache.spark.sql.functions.sum("cost_caption_eur")).first().getDouble(0)
      assert(math.abs(rowsCaptionEur - priced) < 1e-12, s"rows $rowsCaptionEur vs captions $priced")
      assert(runs1.getAs[Long]("caption_requests") == 9 && runs1.getAs[Long]("caption_distinct_prompts") == 9)
      assert(runs1.getAs[Long]("caption_bypassed_prompts") == 1)
      assert(runs1.getAs[String]("embedding_cache") == s"redis://127.0.0.1:$port/0")
      assert(runs1.getAs[Long]("embedding_cache_hits") + runs1.getAs[Long]("embedding_cache_misses") == 39)
      // the caption costs its tokens only (driver seconds are a fixed cost): the rows' shares add up
      // to the priced tokens
      assert(math.abs(rows.map(_.getAs[Double]("cost_caption_eur")).sum - priced) < 1e-12, "token shares only")

      // every embedding key in Redis has a TTL, and there is one per distinct caption
      val jedis = new Jedis("127.0.0.1", port)
      try {
        val keys = jedis.keys("catalog-render:emb:*").asScala
        assert(keys.size == 9)
        assert(keys.forall(k => jedis.ttl(k) > 29L * 86400))
      } finally jedis.close()

      // second run of the same catalog: the gateway's cache and Redis answer
      gateway.clearReceived()
      val second = run(config("cached", (settings :+ ("rerender_all" -> "true")): _*))
      assert(second.rowsOk == 39)
      val runs2 = runRow("cached", second.runId)
      assert(runs2.getAs[Double]("embedding_cache_hit_rate") >= 0.95, runs2)
      assert(gateway.received().size == 9)
      val sources = renders("cached", second.runId).where(col("status") === "ok").groupBy("caption_source").count()
        .collect().map(r => r.getString(0) -> r.getLong(1)).toMap
      assert(sources == Map("gateway_cache" -> 37L, "gateway" -> 2L), sources) // lamps bypass the cache
      assert(math.abs(runs2.getAs[Double]("caption_cache_hit_rate") - 8.0 / 9) < 1e-9)

      // the SQL view answers from the renders table
      spark.read.format("delta").load(workDir.resolve("cached/warehouse/renders").toString).createOrReplaceTempView("renders")
      com.catalogrender.tables.Views.create(spark, null)
      val view = spark.sql(s"select embedding_cache_hit_rate, caption_cache_hit_rate from cache_efficiency where run_id = '${second.runId}'").first()
      assert(view.getDouble(0) >= 0.95 && math.abs(view.getDouble(1) - 37.0 / 39) < 1e-9)
    } finally {
      gateway.close()
      redis.stop()
    }
    assert(!logLines.asScala.exists(_.contains(apiKey)), "the API key appeared in a log line")
  }

  test("gateway down: every row still renders, with the template caption and the reason") {
    val gateway = new FakeGateway(GatewayFlavor.LITELLM)
    gateway.always(FakeGateway.Reply.status(503))
    try {
      val summary = run(config("down", "gateway.url" -> gateway.url(), "gateway.flavor" -> "litellm",
        "gateway.max_attempts" -> "2", "gateway.circuit_breaker_failures" -> "3", "gateway.concurrency" -> "1",
        "embedding_cache" -> "memory"))
      assert(summary.rowsOk == 39 && summary.rowsFailed == 1)
      val rows = renders("down", summary.runId).where(col("status") === "ok").collect()
      assert(rows.forall(_.getAs[String]("caption_source") == "template_fallback"))
      assert(rows.forall(_.getAs[String]("caption").contains("studio lighting from")))
      val reasons = rows.map(_.getAs[String]("caption_reason")).distinct
      assert(reasons.exists(_.startsWith("gateway answered HTTP 503")), reasons.toSeq)
      assert(reasons.exists(_.startsWith("gateway not called: 3 prompts in a row failed")), reasons.toSeq)
      assert(gateway.received().size == 3 * 2, "3 prompts x 2 attempts, then the circuit breaker stops the requests")
      val runs = runRow("down", summary.runId)
      assert(runs.getAs[Long]("caption_fallbacks") == 9 && runs.getAs[Double]("caption_cost_eur") == 0.0)
      assert(rows.forall(_.getAs[Double]("cost_eur") > 0))
      // waiting for a dead gateway spends no tokens: no row's caption costs anything, although the
      // driver spent seconds in retries and backoff (a fixed cost of the run)
      assert(rows.forall(_.getAs[Double]("cost_caption_eur") == 0.0))
      assert(rows.map(_.getAs[Double]("seconds_caption")).sum > 0)
      // the waiting is the driver's time, a fixed cost of the run at the driver's rate
      val driver = summary.costs.fixed
      assert(driver.driverSeconds >= summary.captions.seconds && driver.driverEur > 0, driver)
      spark.read.format("delta").load(workDir.resolve("down").resolve("warehouse/renders").toString).createOrReplaceTempView("renders")
      com.catalogrender.tables.Views.create(spark, null)
      val captionShare = spark.sql(s"select share_of_cost, share_of_time from stage_breakdown where run_id = '${summary.runId}' and stage = 'caption'").first()
      assert(captionShare.getDouble(0) == 0.0, s"caption share of cost ${captionShare.getDouble(0)}")
      info(f"gateway down: captions waited ${summary.captions.seconds}%.2f s on the driver; driver line EUR ${driver.driverEur}%.7f " +
        f"for ${driver.driverSeconds}%.2f s; caption share of cost 0, of time ${captionShare.getDouble(1) * 100}%.1f%%")
    } finally gateway.close()
  }

  /** 12 rows, 12 distinct prompts: 4 products x 3 colours, each on its own background. */
  private lazy val twelvePrompts: Seq[String] = {
    val products = Seq("mug", "sneaker", "lamp", "bottle")
    val colours = Seq("red", "blue", "green")
    val backgrounds = Seq("wood", "beach", "marble")
    for (p <- products.indices; c <- colours.indices)
      yield s"${colours(c)} ${products(p)} on ${backgrounds((p + c) % 3)}"
  }

  private lazy val twelveCatalog: String = {
    val path = workDir.resolve("twelve-catalog").toString
    val rows = twelvePrompts.zipWithIndex.map { case (prompt, i) =>
      Row(f"TWL-$i%03d", prompt.split(" ")(1) + "s", prompt, 64, 64, 700L + i, null, new Timestamp(0))
    }
    spark.createDataFrame(rows.asJava, DemoCatalog.SCHEMA).write.format("delta").save(path)
    path
  }

  test("answers as chat models write them: normalised into captions, or a fallback that names why") {
    val caption = (prompt: String) => FakeGateway.captionFor(prompt)
    // one shape per prompt, in the catalog's order
    val shapes: Seq[(String, String => String, Option[String])] = Seq(
      ("clean", p => caption(p), None),
      ("preamble", p => "Here is the caption:\n" + caption(p), Some("normalised: preamble")),
      ("label on the next line", p => "Sure, rewritten for diffusion:\nPrompt: " + caption(p), Some("normalised: preamble, label")),
      ("quoted", p => "\"" + caption(p) + "\"", Some("normalised: quotes")),
      ("bulleted", p => "* " + caption(p), Some("normalised: bullet")),
      ("two alternatives", p => "1. " + caption(p) + "\n2. " + p + " at golden hour", Some("normalised: alternatives")),
      ("trailing newline", p => caption(p) + "\n", Some("normalised: whitespace")),
      ("markdown bold", p => "**" + caption(p) + "**", Some("normalised: markdown")),
      ("drops the colour", p => caption(p).split(" ", 2)(1), Some("caption dropped '")),
      ("empty", _ => "", Some("the gateway answered an empty caption")),
      ("backticks", p => "`" + caption(p) + "`", Some("normalised: quotes")),
      ("wrapped", p => caption(p).replace(", ", ",\n"), Some("normalised: newlines")))
    val shapeOf = twelvePrompts.zip(shapes).toMap
    val gateway = new FakeGateway(GatewayFlavor.OPENAI)
    gateway.answering(p => shapeOf(p)._2(p))
    try {
      val summary = run(config("shapes", "catalog" -> twelveCatalog, "gateway.url" -> gateway.url(), "gateway.cache" -> "false"))
      assert(summary.rowsOk == 12)
      val rows = renders("shapes", summary.runId).collect()
        .map(r => twelvePrompts(r.getAs[String]("sku").stripPrefix("TWL-").toInt) -> r).toMap
      var gatewayCaptions = 0
      for ((prompt, (shape, _, reason)) <- shapeOf) {
        val row = rows(prompt)
        val source = row.getAs[String]("caption_source")
        val got = Option(row.getAs[String]("caption_reason"))
        val fallback = shape == "drops the colour" || shape == "empty"
        assert(source == (if (fallback) "template_fallback" else "gateway"), s"$shape: $source, $got")
        if (!fallback) {
          gatewayCaptions += 1
          assert(row.getAs[String]("caption") == caption(prompt), s"$shape: ${row.getAs[String]("caption")}")
        }
        assert(got.map(_.takeWhile(_ != '(').trim) == reason.map(_.takeWhile(_ != '(').trim) ||
          reason.exists(r => got.exists(_.startsWith(r))), s"$shape: reason $got, expected $reason")
        // every answer was billed, rejected ones too: their tokens are charged to their rows
        assert(row.getAs[Long]("api_tokens_out") == FakeGateway.COMPLETION_TOKENS, s"$shape")
      }
      assert(rows(twelvePrompts(8)).getAs[String]("caption_reason") == s"caption dropped '${twelvePrompts(8).split(" ")(0)}'")
      assert(gatewayCaptions == 10)
      val runs = runRow("shapes", summary.runId)
      assert(runs.getAs[Long]("caption_normalised_answers") == 9 && runs.getAs[Long]("caption_rejected_answers") == 2 &&
        runs.getAs[Long]("caption_fallbacks") == 2, runs)
      assert(gateway.received().size == 12, "one request per prompt: unusable answers are not retried")
      info(s"12 answer shapes: $gatewayCaptions yield a gateway caption, 2 fall back (a dropped colour, an empty answer)")
    } finally gateway.close()
  }

  test("an outage under concurrency: the breaker stops queued prompts and retries, requests bounded") {
    val gateway = new FakeGateway(GatewayFlavor.OPENAI)
    gateway.always(FakeGateway.Reply.status(503))
    try {
      // the defaults: 8 in flight, 4 attempts, breaker after 8 prompts in a row
      val summary = run(config("outage", "catalog" -> twelveCatalog, "gateway.url" -> gateway.url(), "gateway.concurrency" -> "8",
        "gateway.max_attempts" -> "4", "gateway.circuit_breaker_failures" -> "8"))
      assert(summary.rowsOk == 12)
      val requests = gateway.received().size
      val runs = runRow("outage", summary.runId)
      assert(requests <= 8 * 4, s"$requests requests, more than concurrency x attempts")
      assert(runs.getAs[Long]("caption_requests") == requests)
      assert(runs.getAs[Long]("caption_breaker_saved_prompts") >= 4, runs)
      assert(summary.captions.breakerSavedPrompts >= 4)
      info(s"outage, 12 prompts: $requests requests (48 before), breaker saved ${summary.captions.breakerSavedPrompts} prompts")
    } finally gateway.close()
  }

  test("Redis killed mid-run: the run completes, every row ok, the cache failures counted") {
    val port = freePort()
    val redis = new RedisServer(port)
    redis.start()
    val killed = new AtomicBoolean(false)
    // stop Redis when the first task of the render phase ends: later tasks find it gone
    val renderStages = java.util.concurrent.ConcurrentHashMap.newKeySet[Int]()
    val listener = new SparkListener {
      override def onJobStart(start: org.apache.spark.scheduler.SparkListenerJobStart): Unit =
        if (Option(start.properties).exists(p => String.valueOf(p.getProperty("spark.job.description")).contains(": render ")))
          start.stageIds.foreach(id => renderStages.add(id))
      override def onTaskEnd(end: SparkListenerTaskEnd): Unit =
        if (renderStages.contains(end.stageId) && end.taskInfo.successful && killed.compareAndSet(false, true)) redis.stop()
    }
    spark.sparkContext.addSparkListener(listener)
    try {
      val summary = run(config("killed", "caption_rewriter" -> "template", "partitions" -> "10",
        "spark.redis.host" -> "127.0.0.1", "spark.redis.port" -> port.toString, "spark.redis.timeout" -> "300",
        "embedding_cache" -> "redis"))
      assert(killed.get(), "Redis was stopped during the run")
      assert(summary.rowsOk == 39 && summary.rowsFailed == 1)
      val runs = runRow("killed", summary.runId)
      assert(runs.getAs[Long]("embedding_cache_failures") > 0, runs)
      assert(runs.getAs[Long]("embedding_cache_hits") + runs.getAs[Long]("embedding_cache_misses") == 39)
    } finally {
      spark.sparkContext.removeSparkListener(listener)
      if (!killed.get()) redis.stop()
    }
  }
}
