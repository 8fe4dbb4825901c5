package com.catalogrender.tables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import com.catalogrender.results.RenderResult;
import com.catalogrender.results.RenderStatus;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TableDescriptionTest {
  /**
   * The renders table's columns as the Delta tables written before the tables package hold them.
   */
  private static final String[] RENDERS_COLUMNS = {
    "run_id",
    "sku",
    "category",
    "input_hash",
    "model_id",
    "model_version",
    "variant",
    "device",
    "gpu_address",
    "device_class",
    "executor_id",
    "status",
    "error",
    "image_uri",
    "image_bytes",
    "width",
    "height",
    "seed",
    "caption",
    "caption_source",
    "caption_model",
    "caption_reason",
    "embedding_cache_hit",
    "api_tokens_in",
    "api_tokens_out",
    "batch_size",
    "seconds_caption",
    "seconds_cache",
    "seconds_text_encoder",
    "seconds_unet",
    "seconds_vae",
    "seconds_post",
    "seconds_io",
    "requests",
    "cost_caption_eur",
    "cost_cache_eur",
    "cost_text_encoder_eur",
    "cost_unet_eur",
    "cost_vae_eur",
    "cost_post_eur",
    "cost_io_eur",
    "cost_eur",
    "rendered_at",
    "adopted",
    "fingerprint",
    "run_date"
  };

  @Test
  void rendersKeepsItsColumnsAndTheirOrder() {
    assertArrayEquals(RENDERS_COLUMNS, RendersTable.SCHEMA.fieldNames());
  }

  @Test
  void aRowHasOneValuePerColumnReadFromTheRecord() {
    RenderResult failed =
        RenderResult.notRendered(
            new RenderResult.Identity(
                "run", "SKU-1", "mugs", "hash", "demo", "2.0.0", "int8", null),
            new RenderResult.Placement("cpu", null, "cpu_core", "driver"),
            RenderStatus.FAILED,
            "prompt is null or empty",
            64L,
            64L,
            1L,
            null);
    Row row = RendersTable.row(failed);
    assertEquals(RendersTable.SCHEMA.size(), row.size());
    assertEquals("failed", row.getAs(RendersTable.SCHEMA.fieldIndex("status")));
    assertEquals("prompt is null or empty", row.get(RendersTable.SCHEMA.fieldIndex("error")));
    assertNull(row.get(RendersTable.SCHEMA.fieldIndex("caption")));
    // a failed row that had a caption carries its share of the caption's tokens
    RenderResult shared =
        RenderResult.notRendered(
            failed.identity(),
            failed.placement(),
            RenderStatus.SKIPPED_BUDGET,
            "budget",
            64L,
            64L,
            1L,
            new com.catalogrender.catalog.PlannedCaption(
                "a red mug", "gateway", "gpt-4o-mini", null, 4, 3, 10, 7, 0.0004, 2.0));
    Row sharedRow = RendersTable.row(shared);
    assertEquals(
        0.0001,
        (double) sharedRow.getAs(RendersTable.SCHEMA.fieldIndex("cost_caption_eur")),
        1e-15);
    assertEquals(
        0.0001, (double) sharedRow.getAs(RendersTable.SCHEMA.fieldIndex("cost_eur")), 1e-15);
    assertEquals(2L, (long) sharedRow.getAs(RendersTable.SCHEMA.fieldIndex("api_tokens_in")));
    assertEquals(1L, (long) sharedRow.getAs(RendersTable.SCHEMA.fieldIndex("api_tokens_out")));
    assertEquals(0L, row.get(RendersTable.SCHEMA.fieldIndex("api_tokens_in")));
    assertEquals(0.0, row.get(RendersTable.SCHEMA.fieldIndex("cost_eur")));
  }

  @Test
  void perStageColumnsCarryTheirStage() {
    RenderResult ok =
        new RenderResult(
            new RenderResult.Identity(
                "run", "SKU-1", "mugs", "hash", "demo", "2.0.0", "int8", null),
            new RenderResult.Placement("cpu", null, "cpu_core", "driver"),
            RenderResult.Outcome.ok("file:/x.png", 10),
            64L,
            64L,
            1L,
            new RenderResult.CaptionUse("c", "template", "template", null, 3, 4),
            true,
            8,
            StageValues.of(Stage.UNET, 2.0).with(Stage.IO, 0.5),
            1,
            StageValues.of(Stage.UNET, 0.25).with(Stage.IO, 0.125),
            new Timestamp(0));
    Row row = RendersTable.row(ok);
    assertEquals(2.0, row.get(RendersTable.SCHEMA.fieldIndex("seconds_unet")));
    assertEquals(0.5, row.get(RendersTable.SCHEMA.fieldIndex("seconds_io")));
    assertEquals(0.0, row.get(RendersTable.SCHEMA.fieldIndex("seconds_vae")));
    assertEquals(0.375, row.get(RendersTable.SCHEMA.fieldIndex("cost_eur")));
    assertEquals(3L, row.get(RendersTable.SCHEMA.fieldIndex("api_tokens_in")));
  }
}
