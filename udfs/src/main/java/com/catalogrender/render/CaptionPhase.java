package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.catalogrender.caption.Caption;
import com.catalogrender.caption.CaptionRewriter;
import com.catalogrender.caption.CaptionSettings;
import com.catalogrender.caption.GatewayApiKey;
import com.catalogrender.caption.GatewayCaptionRewriter;
import com.catalogrender.caption.GatewaySettings;
import com.catalogrender.caption.TemplateCaptionRewriter;
import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.cost.Rates;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.measure.Ticker;
import com.catalogrender.results.CaptionFigures;
import com.catalogrender.results.PromptCaption;
import com.catalogrender.tables.CaptionsTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
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
public final class CaptionPhase {
  private static final Logger LOG = LoggerFactory.getLogger(CaptionPhase.class);

  /** What the phase did: the captions table (null when nothing was captioned) and its figures. */
  public record Outcome(Dataset<Row> captions, CaptionFigures figures) {}

  private final CaptionSettings settings;
  private final PromptRewriting rewriting;

  /** The {@code ticker} measures each rewrite (retries and the fallback included). */
  public CaptionPhase(
      CaptionSettings settings, CaptionRewriter rewriter, Rates rates, Ticker ticker) {
    this.settings = settings;
    this.rewriting = new PromptRewriting(settings, rewriter, rates, ticker);
  }

  /**
   * The rewriter a run's settings ask for; the key is read here, on the driver. Gateway captions
   * must keep the words of their prompt that {@code manifest}'s model knows for product, colour and
   * background ({@code gateway.require_prompt_words=auto}).
   */
  public static CaptionRewriter rewriterFor(
      CaptionSettings settings,
      ModelManifest manifest,
      org.apache.hadoop.conf.Configuration hadoop) {
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
    return new GatewayCaptionRewriter(settings.gateway(), key, manifest.productWords());
  }

  /**
   * Rewrites the prompts of {@code rows} (columns {@code category}, {@code prompt}) in one wave.
   *
   * @return the captions table, keyed by {@code caption_category}, {@code caption_prompt}
   */
  public Outcome run(SparkSession spark, Dataset<Row> rows) {
    String description = spark.sparkContext().getLocalProperty("spark.job.description");
    try (Pipeline pipeline =
        start(spark, rows, lit(0), 1, description == null ? "captions" : description)) {
      Dataset<Row> captions = pipeline.await(0);
      return new Outcome(captions, pipeline.figures());
    }
  }

  /**
   * Starts rewriting the prompts of {@code rows} wave by wave on a background thread, so a run can
   * render wave k while the prompts of later waves are still being rewritten. {@code wave} gives
   * each row its wave in [0, {@code waves}); all rows sharing a (category, prompt) must share a
   * wave, so a wave needs only its own prompts. The distinct prompts of every wave are found by one
   * Spark job before the first wave renders (a job queued behind a render wave would wait for its
   * tasks, starving the gateway), then submitted to the gateway in wave order: the gateway stays
   * busy while the waves render, and the captions of a wave are dropped once it has been awaited.
   *
   * @param label what the feeder's Spark job is described as
   */
  Pipeline start(SparkSession spark, Dataset<Row> rows, Column wave, int waves, String label) {
    return new Pipeline(spark, rows, wave, waves, waves, null, null, label);
  }

  /**
   * As {@link #start(SparkSession, Dataset, Column, int, String)}, but the distinct prompts of the
   * first {@code firstWaves} waves are found by a job of their own, so their captions are under way
   * before the job over the rest's rows ends: that second job starts after {@code beforeRest} has
   * run on the feeder's thread (it puts the job beside the render: a job in the render's own queue
   * would wait for the first waves' tasks). Which categories are long-tail is decided from {@code
   * rowsPerCategory} (the rows to render per category, {@link #rowsPerCategory}), known before any
   * wave's prompts are.
   */
  Pipeline start(
      SparkSession spark,
      Dataset<Row> rows,
      Column wave,
      int waves,
      int firstWaves,
      Map<String, Long> rowsPerCategory,
      Runnable beforeRest,
      String label) {
    return new Pipeline(spark, rows, wave, waves, firstWaves, rowsPerCategory, beforeRest, label);
  }

  /**
   * The rows per category of {@code groups} (columns {@code category}, {@code rows_of_group}: the
   * plan's counts, {@link com.catalogrender.cost.CostEstimate#groups}), keyed as long-tail
   * categories are; a local table, read without a Spark job.
   */
  static Map<String, Long> rowsPerCategory(Dataset<Row> groups) {
    Map<String, Long> rows = new HashMap<>();
    for (Row group : groups.collectAsList()) {
      int category = group.fieldIndex("category");
      rows.merge(
          categoryKey(group.isNullAt(category) ? null : group.getString(category)),
          group.getLong(group.fieldIndex("rows_of_group")),
          Long::sum);
    }
    return rows;
  }

  /** A caption phase in flight: {@link #await} each wave in order, then {@link #figures}. */
  final class Pipeline implements AutoCloseable {
    private final SparkSession spark;
    private final int waves;
    private final List<CompletableFuture<Fed>> fed = new ArrayList<>();
    private final ExecutorService pool;
    private final Thread feeder;
    private final Totals totals = new Totals();
    private final long start = System.nanoTime();
    private long distinct;
    private long bypassed;
    private double apiEur;
    private double seconds;
    private final java.util.concurrent.atomic.AtomicLong lastDone =
        new java.util.concurrent.atomic.AtomicLong(start);

    /** One wave's work, submitted to the gateway pool. */
    private record Fed(
        List<PromptRewriting.Work> work, List<Future<PromptRewriting.Rewritten>> futures) {}

    private Pipeline(
        SparkSession spark,
        Dataset<Row> rows,
        Column wave,
        int waves,
        int firstWaves,
        Map<String, Long> rowsPerCategory,
        Runnable beforeRest,
        String label) {
      this.spark = spark;
      this.waves = waves;
      for (int i = 0; i < waves; i++) {
        fed.add(new CompletableFuture<>());
      }
      int threads = settings.usesGateway() ? settings.gateway().concurrency() : 1;
      AtomicInteger threadNumber = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "caption-gateway-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      feeder =
          new Thread(
              () -> feed(rows, wave, firstWaves, rowsPerCategory, beforeRest, label),
              "caption-feeder");
      feeder.setDaemon(true);
      feeder.start();
    }

    /**
     * The feeder thread: every wave's distinct prompts, submitted in wave order; the first waves'
     * by a job of their own when the rows per category are known.
     */
    private void feed(
        Dataset<Row> rows,
        Column wave,
        int firstWaves,
        Map<String, Long> rowsPerCategory,
        Runnable beforeRest,
        String label) {
      try {
        boolean split = rowsPerCategory != null && firstWaves < waves;
        spark
            .sparkContext()
            .setJobDescription(
                label + " (distinct prompts per wave" + (split ? ", first waves)" : ")"));
        List<Row> pairs = distinctPrompts(split ? rows.where(wave.lt(firstWaves)) : rows, wave);
        Map<String, Long> perCategory = rowsPerCategory;
        if (perCategory == null) {
          perCategory = new HashMap<>();
          for (Row pair : pairs) {
            perCategory.merge(
                categoryKey(pair.isNullAt(1) ? null : pair.getString(1)),
                pair.getLong(3),
                Long::sum);
          }
        }
        long totalRows = perCategory.values().stream().mapToLong(Long::longValue).sum();
        submit(pairs, 0, split ? firstWaves : waves, perCategory, totalRows);
        if (split) {
          beforeRest.run();
          spark
              .sparkContext()
              .setJobDescription(
                  label + " (distinct prompts per wave, the rest beside the render)");
          pairs = distinctPrompts(rows.where(wave.geq(firstWaves)), wave);
          submit(pairs, firstWaves, waves, perCategory, totalRows);
        }
      } catch (RuntimeException e) {
        for (CompletableFuture<Fed> f : fed) {
          f.completeExceptionally(e);
        }
      }
    }

    /** (wave, category, prompt, rows) of {@code rows}' distinct prompts: one Spark job. */
    private List<Row> distinctPrompts(Dataset<Row> rows, Column wave) {
      return rows.groupBy(
              wave.cast(DataTypes.IntegerType).as("wave"), col("category"), col("prompt"))
          .count()
          .collectAsList();
    }

    /** Submits the prompts {@code pairs} of waves {@code from} to {@code to} (exclusive). */
    private void submit(
        List<Row> pairs, int from, int to, Map<String, Long> rowsPerCategory, long totalRows) {
      List<List<Row>> byWave = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        byWave.add(new ArrayList<>());
      }
      for (Row pair : pairs) {
        byWave.get(pair.getInt(0) - from).add(pair);
      }
      for (int w = from; w < to; w++) {
        List<Row> ofWave = byWave.get(w - from);
        List<PromptRewriting.Work> work = new ArrayList<>(ofWave.size());
        List<Future<PromptRewriting.Rewritten>> futures = new ArrayList<>(work.size());
        for (Row pair : ofWave) {
          String category = pair.isNullAt(1) ? null : pair.getString(1);
          String prompt = pair.isNullAt(2) ? null : pair.getString(2);
          long count = pair.getLong(3);
          if (CatalogRow.promptProblem(prompt) != null) {
            continue; // the row fails in the render phase with this reason; nothing to rewrite
          }
          boolean bypass = bypass(category, rowsPerCategory, totalRows);
          PromptRewriting.Work item =
              new PromptRewriting.Work(
                  category, prompt, count, bypass, settings.dedupe() ? 1 : count);
          work.add(item);
          futures.add(
              pool.submit(
                  () -> {
                    PromptRewriting.Rewritten rewritten = rewriting.rewrite(item);
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                    return rewritten;
                  }));
        }
        byWave.set(w - from, null);
        fed.get(w).complete(new Fed(work, futures));
      }
    }

    /**
     * The captions of wave {@code wave}'s prompts, once every one of them is rewritten (waits for
     * the gateway); waves are awaited in order.
     */
    Dataset<Row> await(int wave) {
      try {
        Fed f = fed.get(wave).get();
        fed.set(wave, null); // its captions are released with the wave
        List<Row> out = new ArrayList<>(f.work().size());
        for (int i = 0; i < f.work().size(); i++) {
          PromptRewriting.Work w = f.work().get(i);
          PromptRewriting.Rewritten r = f.futures().get(i).get();
          totals.add(w.calls(), r);
          apiEur += r.apiEur();
          seconds += r.seconds();
          bypassed += w.bypass() ? 1 : 0;
          Caption last = r.caption();
          out.add(
              CaptionsTable.DESCRIPTION.row(
                  new PromptCaption(
                      w.category(),
                      w.prompt(),
                      r.httpRequests(),
                      new PlannedCaption(
                          last.text(),
                          last.source(),
                          last.model(),
                          last.reason(),
                          w.rows(),
                          0,
                          r.tokensIn(),
                          r.tokensOut(),
                          r.apiEur(),
                          r.seconds()))));
        }
        distinct += f.work().size();
        return spark.createDataFrame(out, CaptionsTable.SCHEMA);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while rewriting captions", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException("Caption rewriting failed: " + e.getCause(), e.getCause());
      }
    }

    /** Wall seconds from the start until the last rewrite so far ended. */
    double seconds() {
      return (lastDone.get() - start) / 1e9;
    }

    /** What the awaited waves' rewrites added up to. */
    CaptionFigures figures() {
      LOG.info(
          "Captions: {} distinct prompts, {} rewrites, {} HTTP requests, {} cache hits, {}"
              + " normalised, {} rejected, {} fallbacks ({} saved by the circuit breaker) in {}s",
          distinct,
          totals.rewrites,
          totals.http,
          totals.hits,
          totals.normalised,
          totals.rejected,
          totals.fallbacks,
          totals.breakerStops,
          String.format(Locale.ROOT, "%.2f", seconds()));
      return new CaptionFigures(
          settings.rewriter(),
          distinct,
          totals.rewrites,
          totals.http,
          totals.answers,
          totals.hits,
          totals.fallbacks,
          bypassed,
          totals.normalised,
          totals.rejected,
          totals.breakerStops,
          apiEur,
          seconds);
    }

    @Override
    public void close() {
      feeder.interrupt();
      pool.shutdownNow();
    }
  }

  /**
   * {@code rows} with each row's rank among the rows sharing its (category, prompt), in (sku,
   * input_hash) order: the rank decides who carries the remainder of indivisible tokens. All rows
   * of a prompt are in one wave ({@code waveColumn}): ranked within (wave, category, prompt), the
   * window needs no exchange of its own after one by the wave.
   */
  static Dataset<Row> withCaptionRank(Dataset<Row> rows, String waveColumn) {
    return rows.withColumn(
        "caption_rank",
        row_number()
            .over(
                Window.partitionBy(col(waveColumn), col("category"), col("prompt"))
                    .orderBy(col("sku"), col("input_hash")))
            .minus(1)
            .cast(DataTypes.LongType));
  }

  /**
   * {@code rows} (ranked by {@link #withCaptionRank}) with their captions ({@code table}) by
   * (category, prompt), nulls where a prompt has none, in {@link CatalogRow#COLUMNS} order. The
   * captions go to the rows' own tasks as a broadcast map, so the rows keep their partitions and
   * their order: a broadcast join of the local table ran a Spark job of its own before each wave's
   * render, and that job waited for the task slots the wave before still rendered in.
   */
  public static Dataset<Row> join(Dataset<Row> rows, Dataset<Row> table) {
    StructType in = rows.schema();
    StructType captions = table.schema();
    StructType out = new StructType();
    int[] fromRow = new int[CatalogRow.COLUMNS.length];
    int[] fromCaption = new int[CatalogRow.COLUMNS.length];
    for (int i = 0; i < CatalogRow.COLUMNS.length; i++) {
      String name = CatalogRow.COLUMNS[i];
      boolean inRows = java.util.Arrays.asList(in.fieldNames()).contains(name);
      fromRow[i] = inRows ? in.fieldIndex(name) : -1;
      fromCaption[i] = inRows ? -1 : captions.fieldIndex(name);
      StructField field = inRows ? in.apply(name) : captions.apply(name);
      out = out.add(field.name(), field.dataType(), inRows ? field.nullable() : true);
    }
    int category = captions.fieldIndex("caption_category");
    int prompt = captions.fieldIndex("caption_prompt");
    HashMap<List<String>, Row> byPrompt = new HashMap<>();
    // a table made from a local list: collected without a Spark job
    for (Row caption : table.collectAsList()) {
      byPrompt.put(
          java.util.Arrays.asList(caption.getString(category), caption.getString(prompt)), caption);
    }
    Broadcast<HashMap<List<String>, Row>> shared =
        JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(byPrompt);
    return rows.mapPartitions(
        new CaptionAttach(
            shared, in.fieldIndex("category"), in.fieldIndex("prompt"), fromRow, fromCaption),
        Encoders.row(out));
  }

  /** Adds each row's caption columns from the broadcast captions. */
  private static final class CaptionAttach implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<HashMap<List<String>, Row>> captions;
    private final int category;
    private final int prompt;
    private final int[] fromRow;
    private final int[] fromCaption;

    CaptionAttach(
        Broadcast<HashMap<List<String>, Row>> captions,
        int category,
        int prompt,
        int[] fromRow,
        int[] fromCaption) {
      this.captions = captions;
      this.category = category;
      this.prompt = prompt;
      this.fromRow = fromRow;
      this.fromCaption = fromCaption;
    }

    @Override
    public java.util.Iterator<Row> call(java.util.Iterator<Row> rows) {
      Map<List<String>, Row> byPrompt = captions.value();
      return new java.util.Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          Row caption =
              byPrompt.get(
                  java.util.Arrays.asList(
                      row.isNullAt(category) ? null : row.getString(category),
                      row.isNullAt(prompt) ? null : row.getString(prompt)));
          Object[] values = new Object[fromRow.length];
          for (int i = 0; i < values.length; i++) {
            values[i] =
                fromRow[i] >= 0
                    ? row.get(fromRow[i])
                    : caption == null ? null : caption.get(fromCaption[i]);
          }
          return RowFactory.create(values);
        }
      };
    }
  }

  /** The console line of a run's caption phase. */
  static String describe(CaptionFigures c) {
    Double hitRate = c.cacheHitRate();
    return String.format(
        Locale.ROOT,
        "captions: %d distinct prompts, %d rewrites, %d gateway requests, %d answered (%s from its"
            + " cache, %d normalised), %d answers rejected, %d template fallbacks (%d saved by the"
            + " circuit breaker), %d long-tail prompts bypassed the cache, EUR %.6f",
        c.distinctPrompts(),
        c.rewrites(),
        c.httpRequests(),
        c.gatewayAnswers(),
        hitRate == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * hitRate),
        c.normalisedAnswers(),
        c.rejectedAnswers(),
        c.fallbacks(),
        c.breakerSavedPrompts(),
        c.bypassedPrompts(),
        c.apiEur());
  }

  /** Waiting for captions above this share of the waves' wall time gets advice. */
  static final double ADVISED_WAIT_SHARE = 0.05;

  /**
   * Advice when the render waited for the gateway's captions for more than {@value
   * #ADVISED_WAIT_SHARE} of the waves' wall time: the prompts per second the gateway answered, the
   * prompts per second the render would have consumed without waiting, and the concurrency that
   * would have kept up (with a quarter to spare, at most the setting's 256); null when it kept up
   * or no gateway answered.
   *
   * @param captionSeconds wall seconds from the first caption to the last
   * @param waitSeconds wall seconds the waves waited for captions with nothing to render
   * @param wavesSeconds wall seconds of the waves
   */
  static String concurrencyAdvice(
      CaptionFigures c,
      CaptionSettings settings,
      double captionSeconds,
      double waitSeconds,
      double wavesSeconds) {
    if (!settings.usesGateway()
        || c.httpRequests() == 0
        || captionSeconds <= 0
        || waitSeconds <= ADVISED_WAIT_SHARE * wavesSeconds) {
      return null;
    }
    int concurrency = settings.gateway().concurrency();
    double answered = c.rewrites() / captionSeconds;
    double needed = c.rewrites() / Math.max(1e-9, wavesSeconds - waitSeconds);
    int advised =
        (int) Math.min(256, Math.ceil(concurrency * Math.max(1, needed / answered) * 1.25));
    return String.format(
        Locale.ROOT,
        "captions held the render back: it waited %.1f s (%.0f%% of the waves' %.1f s) for the"
            + " gateway, which answered %.0f prompts/s with %d requests in flight; the render"
            + " would have taken %.0f prompts/s. Set %s=%d (--gateway-concurrency %d) if the"
            + " gateway's rate limits allow it",
        waitSeconds,
        100 * waitSeconds / wavesSeconds,
        wavesSeconds,
        answered,
        concurrency,
        needed,
        GatewaySettings.CONCURRENCY,
        advised,
        advised);
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

  /** What the rewrites of a run added up to. */
  private static final class Totals {
    long rewrites;
    long http;
    long answers;
    long hits;
    long fallbacks;
    long normalised;
    long rejected;
    long breakerStops;

    void add(long calls, PromptRewriting.Rewritten r) {
      normalised += r.normalised();
      rejected += r.rejected();
      breakerStops += r.breakerStops();
      rewrites += calls;
      http += r.httpRequests();
      answers += r.gatewayAnswers();
      hits += r.cacheHits();
      fallbacks += r.fallbacks();
    }
  }
}
