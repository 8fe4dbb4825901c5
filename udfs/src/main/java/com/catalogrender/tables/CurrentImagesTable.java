package com.catalogrender.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code current_images} Delta table: one row per SKU with its live image (the latest ok
 * render), maintained with Delta {@code MERGE} when a run commits its rows. A SKU whose catalog row
 * is gone keeps its last image and gets {@code removed_at}; it is cleared when the SKU comes back.
 * The incremental skip reads this table instead of the whole {@code renders} history.
 */
public final class CurrentImagesTable {
  /** The columns, as read from a {@code renders} row of status ok. */
  static final String[] FROM_RENDERS = {
    "sku",
    "image_uri",
    "input_hash",
    "run_id",
    "rendered_at",
    "cost_eur",
    "image_bytes",
    "width",
    "height",
    "variant",
    "model_id",
    "model_version"
  };

  private CurrentImagesTable() {}

  /**
   * The live image per SKU from {@code renders} history: the latest ok row of each SKU (ties, a SKU
   * twice in a catalog, broken by input hash then image, so that two reads of the same rows pick
   * the same row: a merge reads its source twice). The table equals this query (plus {@code
   * removed_at}); it starts from it when a warehouse predates it.
   */
  public static Dataset<Row> fromRenders(Dataset<Row> renders) {
    return renders
        .where(col("status").equalTo("ok"))
        .withColumn(
            "latest",
            row_number()
                .over(
                    Window.partitionBy(col("sku"))
                        .orderBy(
                            col("rendered_at").desc(),
                            col("run_id").desc(),
                            col("input_hash").desc(),
                            col("image_uri").desc())))
        .where(col("latest").equalTo(1))
        .select(columns());
  }

  /**
   * Creates the table at {@code path} from the renders history when it does not exist yet; checks
   * (and evolves) an existing one.
   *
   * @param renders the renders history, null when there is none
   * @return whether the table was created empty (no history): no SKU has a live image
   */
  public static boolean ensure(SparkSession spark, String path, Dataset<Row> renders) {
    boolean existed = DeltaTable.isDeltaTable(spark, path);
    VERSIONED.ensure(spark, path);
    if (!existed && renders != null) {
      VERSIONED.append(
          fromRenders(renders).withColumn("removed_at", lit(null).cast(DataTypes.TimestampType)),
          path,
          Map.of());
    }
    return !existed && renders == null;
  }

  /**
   * Makes each SKU's latest ok row of {@code committed} (a run's, or a checkpoint's, rows) its live
   * image: one MERGE, idempotent (merging the same rows again changes nothing).
   */
  public static void merge(SparkSession spark, String path, Dataset<Row> committed) {
    Dataset<Row> latest = fromRenders(committed);
    Map<String, String> values = new LinkedHashMap<>();
    for (String column : FROM_RENDERS) {
      values.put(column, "s." + column);
    }
    values.put("removed_at", "CAST(NULL AS TIMESTAMP)");
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(latest.as("s"), "t.sku = s.sku")
        .whenMatched("s.rendered_at >= t.rendered_at")
        .updateExpr(values)
        .whenNotMatched()
        .insertExpr(values)
        .execute();
  }

  /**
   * Computes the table's latest state (its files and their statistics), which a MERGE reads first:
   * after a merge beside the render, so that the one after it finds the state ready rather than
   * computing it (two jobs) while the executors wait.
   */
  public static void readyForNextMerge(SparkSession spark, String path) {
    Snapshot snapshot = DeltaSnapshots.latest(DeltaLog.forTable(spark, path));
    snapshot.numOfFiles();
    snapshot.withStats().count();
  }

  /**
   * The live images whose SKU left {@code catalogSkus} (a column {@code sku}) or came back to it:
   * {@code sku}, and {@code removed} (true: gone, false: back), cached, and how many. A merge of
   * the catalog's rows since changes none of them but rows that came back, which it clears itself:
   * found before a run's merges, they mark the same SKUs as after.
   */
  public static Removals removals(SparkSession spark, String path, Dataset<Row> catalogSkus) {
    Dataset<Row> present =
        catalogSkus.select(col("sku")).distinct().withColumn("present", lit(true));
    Dataset<Row> current =
        spark.read().format("delta").load(path).select(col("sku"), col("removed_at"));
    Dataset<Row> changes =
        current
            .join(present, new String[] {"sku"}, "left")
            .where(
                col("present")
                    .isNull()
                    .and(col("removed_at").isNull())
                    .or(col("present").isNotNull().and(col("removed_at").isNotNull())))
            .select(col("sku"), col("present").isNull().as("removed"))
            .cache();
    // the count fills the cache, and tells the mark whether it has anything to do without a job
    // (asking the cache isEmpty took 1.0 s after a 10^6-row run)
    return new Removals(changes, changes.count());
  }

  /** SKUs gone from the catalog or back in it ({@link #removals}), and how many: cached rows. */
  public record Removals(Dataset<Row> changes, long count) {}

  /**
   * Marks the SKUs in {@code removals} ({@link #removals}) that left the catalog as removed at
   * {@code now}, and clears the mark of those that came back.
   */
  public static void markRemoved(
      SparkSession spark, String path, Removals removals, Timestamp now) {
    if (removals.count() == 0) {
      // nothing removed or back: no MERGE (it would rewrite nothing, after two scans)
      return;
    }
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(removals.changes().as("s"), "t.sku = s.sku")
        .whenMatched()
        .updateExpr(
            Map.of(
                "removed_at",
                "CASE WHEN s.removed THEN TIMESTAMP '"
                    + now
                    + "' ELSE CAST(NULL AS TIMESTAMP) END"))
        .execute();
  }

  private static Column[] columns() {
    Column[] columns = new Column[FROM_RENDERS.length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = col(FROM_RENDERS[i]);
    }
    return columns;
  }

  /** Version 1: the columns of tables created before versions were recorded. */
  public static final VersionedSchema VERSIONED = VersionedSchema.of("current_images", 1, schema());

  private static org.apache.spark.sql.types.StructType schema() {
    org.apache.spark.sql.types.StructType renders = RendersTable.SCHEMA;
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType();
    for (String column : FROM_RENDERS) {
      schema = schema.add(renders.apply(column));
    }
    return schema.add("removed_at", DataTypes.TimestampType);
  }
}
