package com.catalogrender.caption;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.cost.Rates;
import com.catalogrender.render.CatalogRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caption phase of a run, on the driver: one Spark job finds the distinct (category, prompt)
 * pairs and how many rows share each; each pair is rewritten once (or once per row with {@code
 * caption_dedupe=false}) with at most {@code gateway.concurrency} calls in flight; a failed or
 * unusable gateway answer becomes the template caption with source {@code template_fallback} and
 * the reason, so no row is lost to an LLM outage. The result is a small table joined back to the
 * rows by (category, prompt); each row then carries its share of its caption's seconds, tokens and
 * EUR.
 *
 * <p>Calls run on the driver because that is where the API key is (it never reaches executors) and
 * where one bound on concurrency and one circuit breaker cover the whole run.
 */
public final class CaptionStage {
  private static final Logger LOG = LoggerFactory.getLogger(CaptionStage.class);

  public static final StructType SCHEMA =
      new StructType()
          .add("caption_category", DataTypes.StringType)
          .add("caption_prompt", DataTypes.StringType)
          .add("caption", DataTypes.StringType)
          .add("caption_source", DataTypes.StringType)
          .add("caption_model", DataTypes.StringType)
          .add("caption_reason", DataTypes.StringType)
          .add("caption_rows", DataTypes.LongType, false)
          .add("caption_requests", DataTypes.LongType, false)
          .add("caption_tokens_in", DataTypes.LongType, false)
          .add("caption_tokens_out", DataTypes.LongType, false)
          .add("caption_api_eur", DataTypes.DoubleType, false)
          .add("caption_seconds", DataTypes.DoubleType, false);

  /** What the phase did, for the console and the runs table. */
  public record Outcome(
      Dataset<Row> captions,
      long distinctPrompts,
      long rewrites,
      long httpRequests,
      long gatewayAnswers,
      long cacheHits,
      long fallbacks,
      long bypassedPrompts,
      double apiEur,
      double seconds) {

    /** Gateway answers served from its cache, per answer (null when no gateway answered). */
    public Double cacheHitRate() {
      return gatewayAnswers == 0 ? null : (double) cacheHits / gatewayAnswers;
    }
  }

  private final CaptionSettings settings;
  private final CaptionRewriter rewriter;
  private final TemplateCaptionRewriter template = new TemplateCaptionRewriter();
  private final Rates rates;
  private final java.util.concurrent.atomic.AtomicBoolean unpricedWarned =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final com.catalogrender.runtime.Ticker ticker;

  /** The {@code ticker} measures each rewrite (retries and the fallback included). */
  public CaptionStage(
      CaptionSettings settings,
      CaptionRewriter rewriter,
      Rates rates,
      com.catalogrender.runtime.Ticker ticker) {
    this.settings = settings;
    this.rewriter = rewriter;
    this.rates = rates;
    this.ticker = ticker;
  }

  /** The rewriter a run's settings ask for; the key is read here, on the driver. */
  public static CaptionRewriter rewriterFor(
      CaptionSettings settings, org.apache.hadoop.conf.Configuration hadoop) {
    if (!settings.usesGateway()) {
      return new TemplateCaptionRewriter();
    }
    GatewayApiKey key = GatewayApiKey.resolve(settings.gateway(), System.getenv(), hadoop);
    if (key == null) {
      LOG.warn(
          "No gateway API key in ${} nor under credential alias '{}': calling {} without one",
          settings.gateway().apiKeyEnv(),
          settings.gateway().apiKeyAlias(),
          settings.gateway().endpoint());
    } else {
      LOG.info("Gateway API key from {}", key.origin());
    }
    return new GatewayCaptionRewriter(settings.gateway(), key);
  }

  /**
   * Rewrites the prompts of {@code rows} (columns {@code category}, {@code prompt}).
   *
   * @return the captions table, keyed by {@code caption_category}, {@code caption_prompt}
   */
  public Outcome run(SparkSession spark, Dataset<Row> rows) {
    long start = System.nanoTime();
    List<Row> pairs =
        rows.groupBy(col("category"), col("prompt")).count().collectAsList(); // one Spark job
    Map<String, Long> rowsPerCategory = new HashMap<>();
    long totalRows = 0;
    for (Row pair : pairs) {
      rowsPerCategory.merge(categoryKey(pair.getString(0)), pair.getLong(2), Long::sum);
      totalRows += pair.getLong(2);
    }
    List<Work> work = new ArrayList<>();
    long bypassed = 0;
    for (Row pair : pairs) {
      String category = pair.isNullAt(0) ? null : pair.getString(0);
      String prompt = pair.isNullAt(1) ? null : pair.getString(1);
      long count = pair.getLong(2);
      if (CatalogRow.promptProblem(prompt) != null) {
        continue; // the row fails in the render phase with this reason; nothing to rewrite
      }
      boolean bypass = bypass(category, rowsPerCategory, totalRows);
      bypassed += bypass ? 1 : 0;
      work.add(new Work(category, prompt, count, bypass, settings.dedupe() ? 1 : count));
    }
    List<Row> out = new ArrayList<>(work.size());
    long[] totals = new long[5]; // rewrites, http, gateway answers, hits, fallbacks
    double apiEur = 0;
    double seconds = 0;
    int threads = settings.usesGateway() ? settings.gateway().concurrency() : 1;
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "caption-gateway-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Rewritten>> futures = new ArrayList<>(work.size());
      for (Work w : work) {
        futures.add(pool.submit(() -> rewrite(w)));
      }
      for (int i = 0; i < work.size(); i++) {
        Work w = work.get(i);
        Rewritten r = futures.get(i).get();
        totals[0] += w.calls();
        totals[1] += r.httpRequests();
        totals[2] += r.gatewayAnswers();
        totals[3] += r.cacheHits();
        totals[4] += r.fallbacks();
        apiEur += r.apiEur();
        seconds += r.seconds();
        Caption last = r.caption();
        out.add(
            RowFactory.create(
                w.category(),
                w.prompt(),
                last.text(),
                last.source(),
                last.model(),
                last.reason(),
                w.rows(),
                (long) r.httpRequests(),
                r.tokensIn(),
                r.tokensOut(),
                r.apiEur(),
                r.seconds()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while rewriting captions", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Caption rewriting failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Dataset<Row> captions = spark.createDataFrame(out, SCHEMA);
    LOG.info(
        "Captions: {} distinct prompts, {} rewrites, {} HTTP requests, {} cache hits, {} fallbacks"
            + " in {}s",
        work.size(),
        totals[0],
        totals[1],
        totals[3],
        totals[4],
        String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
    return new Outcome(
        captions,
        work.size(),
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        totals[4],
        bypassed,
        apiEur,
        seconds);
  }

  private boolean bypass(String category, Map<String, Long> rowsPerCategory, long totalRows) {
    if (!settings.usesGateway()) {
      return false;
    }
    GatewaySettings g = settings.gateway();
    String key = categoryKey(category);
    if (g.longTailCategories().contains(key)) {
      return true;
    }
    double share = totalRows == 0 ? 0 : (double) rowsPerCategory.getOrDefault(key, 0L) / totalRows;
    return share < g.longTailShare();
  }

  private static String categoryKey(String category) {
    return category == null ? "" : category.trim().toLowerCase(Locale.ROOT);
  }

  /** One distinct pair, the rows sharing it, and how many calls it gets. */
  private record Work(String category, String prompt, long rows, boolean bypass, long calls) {}

  private record Rewritten(
      Caption caption,
      int httpRequests,
      int gatewayAnswers,
      int cacheHits,
      int fallbacks,
      long tokensIn,
      long tokensOut,
      double apiEur,
      double seconds) {}

  private Rewritten rewrite(Work w) {
    Caption last = null;
    int http = 0;
    int answers = 0;
    int hits = 0;
    int fallbacks = 0;
    long tokensIn = 0;
    long tokensOut = 0;
    double eur = 0;
    double seconds = 0;
    for (long call = 0; call < w.calls(); call++) {
      Caption caption;
      long start = ticker.nanoTime();
      try {
        caption = rewriter.rewrite(w.category(), w.prompt(), w.bypass());
      } catch (CaptionUnavailableException e) {
        String text = template.caption(w.category(), w.prompt());
        caption = Caption.fallback(text, e.httpRequests(), e.seconds(), e.getMessage());
      }
      http += caption.httpRequests();
      seconds += ticker.secondsSince(start);
      if (caption.source().startsWith(Caption.GATEWAY)) {
        answers++;
        hits += caption.cacheHit() ? 1 : 0;
      }
      fallbacks += Caption.TEMPLATE_FALLBACK.equals(caption.source()) ? 1 : 0;
      tokensIn += caption.tokensIn();
      tokensOut += caption.tokensOut();
      eur += price(caption);
      last = caption;
    }
    return new Rewritten(last, http, answers, hits, fallbacks, tokensIn, tokensOut, eur, seconds);
  }

  private double price(Caption caption) {
    if (!caption.source().startsWith(Caption.GATEWAY)) {
      return 0;
    }
    Double eur =
        rates.captionEur(
            caption.model(), caption.tokensIn(), caption.tokensOut(), caption.reportedCostUsd());
    if (eur != null) {
      return eur;
    }
    String configured = settings.pricedModel();
    if (unpricedWarned.compareAndSet(false, true)) {
      LOG.warn(
          "Caption model '{}' has no price in the rates file and the gateway reported no cost;"
              + " priced as the configured model '{}'",
          caption.model(),
          configured);
    }
    return caption.tokensIn() * rates.llmEurPerToken(configured, false)
        + caption.tokensOut() * rates.llmEurPerToken(configured, true);
  }
}
