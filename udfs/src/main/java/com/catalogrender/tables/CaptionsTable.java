package com.catalogrender.tables;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.results.PromptCaption;
import java.util.function.Function;
import org.apache.spark.sql.types.StructType;

/**
 * The captions of a run: one row per distinct (category, prompt), broadcast and joined back to the
 * planned rows by ({@code caption_category}, {@code caption_prompt}).
 */
public final class CaptionsTable {
  public static final TableDescription<PromptCaption> DESCRIPTION =
      TableDescription.<PromptCaption>builder()
          .column("caption_category", StringType, PromptCaption::category)
          .column("caption_prompt", StringType, PromptCaption::prompt)
          .column("caption", StringType, caption(PlannedCaption::text))
          .column("caption_source", StringType, caption(PlannedCaption::source))
          .column("caption_model", StringType, caption(PlannedCaption::model))
          .column("caption_reason", StringType, caption(PlannedCaption::reason))
          .required("caption_rows", LongType, caption(PlannedCaption::rows))
          .required("caption_requests", LongType, PromptCaption::requests)
          .required("caption_tokens_in", LongType, caption(PlannedCaption::tokensIn))
          .required("caption_tokens_out", LongType, caption(PlannedCaption::tokensOut))
          .required("caption_api_eur", DoubleType, caption(PlannedCaption::apiEur))
          .required("caption_seconds", DoubleType, caption(PlannedCaption::seconds))
          .build();

  public static final StructType SCHEMA = DESCRIPTION.schema();

  private CaptionsTable() {}

  private static Function<PromptCaption, Object> caption(Function<PlannedCaption, Object> read) {
    return c -> read.apply(c.caption());
  }
}
