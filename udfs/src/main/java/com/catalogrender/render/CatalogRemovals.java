package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;

import com.catalogrender.catalog.CatalogSchema;
import com.catalogrender.tables.CurrentImagesTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The live images whose SKU left the catalog (or came back): when the whole catalog was planned,
 * found by a job in the merges' pool beside the render ({@link #startBesideRender}, the two scans
 * of 10^6 live images and SKUs that otherwise ran after the last wave), and marked in {@code
 * current_images} after it ({@link #mark}), only if there is any.
 */
final class CatalogRemovals implements AutoCloseable {
  private final SparkSession spark;
  private final String currentImages;
  private final Dataset<Row> catalogSkus;
  private final JobLabels labels;
  private CompletableFuture<CurrentImagesTable.Removals> found;

  private CatalogRemovals(
      SparkSession spark, String currentImages, Dataset<Row> catalogSkus, JobLabels labels) {
    this.spark = spark;
    this.currentImages = currentImages;
    this.catalogSkus = catalogSkus;
    this.labels = labels;
  }

  /**
   * For a run that planned the whole catalog; null for one filtered by --where or --limit, and for
   * a warehouse's first run ({@code plan}: no live image before it, so every one after it is a SKU
   * of this catalog; the search took 4.9 slot-seconds beside the render at 10^6 rows).
   */
  static CatalogRemovals of(
      SparkSession spark,
      RenderConfig config,
      OpenedRun opened,
      RenderPlan plan,
      JobLabels labels) {
    if (config.catalog().where() != null
        || config.catalog().limit() != null
        || !plan.liveImagesBefore()) {
      return null;
    }
    return new CatalogRemovals(
        spark,
        config.run().warehouse().currentImages(),
        opened.catalog().select(col(CatalogSchema.SKU).as("sku")),
        labels);
  }

  /**
   * Starts finding them in a thread of its own, its jobs in {@code pool}, the live images read by a
   * session whose stages run at most about {@code tasks} tasks ({@link BesideRenderSlots}; the
   * catalog's SKUs are read as planned): after the plan (which merges what crashed runs committed),
   * beside the render.
   */
  synchronized void startBesideRender(String pool, int tasks) {
    if (found != null) {
      return;
    }
    found = new CompletableFuture<>();
    Thread finder =
        new Thread(
            () -> {
              try {
                labels.labelThisThread("find SKUs gone from the catalog, beside the render");
                spark.sparkContext().setLocalProperty("spark.scheduler.pool", pool);
                SparkSession beside = spark.newSession();
                BesideRenderSlots.limit(beside, tasks);
                SparkSession.setActiveSession(beside);
                found.complete(CurrentImagesTable.removals(beside, currentImages, catalogSkus));
              } catch (Throwable e) {
                found.completeExceptionally(e);
              }
            },
            "catalog-render-removals");
    finder.setDaemon(true);
    finder.start();
  }

  /** Marks them at {@code now}: found now unless they were found beside the render. */
  void mark(java.sql.Timestamp now) {
    CurrentImagesTable.Removals removals;
    synchronized (this) {
      if (found == null) {
        found =
            CompletableFuture.completedFuture(
                CurrentImagesTable.removals(spark, currentImages, catalogSkus));
      }
    }
    try {
      removals = found.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while finding SKUs gone from the catalog", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("Could not find SKUs gone from the catalog", e.getCause());
    }
    CurrentImagesTable.markRemoved(spark, currentImages, removals, now);
  }

  /** Releases the cached SKUs (waits for a search under way, whose job a failed run cancels). */
  @Override
  public void close() {
    CompletableFuture<CurrentImagesTable.Removals> pending;
    synchronized (this) {
      pending = found;
    }
    if (pending == null) {
      return;
    }
    try {
      pending.get().changes().unpersist();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // a failed or cancelled search left nothing cached that matters
    }
  }
}
