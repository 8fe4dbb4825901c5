package com.catalogrender.catalog;

import org.apache.spark.sql.Row;

/**
 * One planned row as the executor receives it (columns in {@link #COLUMNS} order, cast on the
 * driver), and the validation that turns a bad row into a failed result with a reason.
 */
public record CatalogRow(
    String sku,
    String category,
    String prompt,
    Long width,
    Long height,
    Long seed,
    String sourceImage,
    String inputHash,
    String plannedVariant,
    PlannedCaption caption,
    String cutoutContent) {

  /** The columns the plan phase gives each row, in order. */
  public static final String[] PLANNED_COLUMNS = {
    "sku",
    "category",
    "prompt",
    "width",
    "height",
    "seed",
    "source_image",
    "input_hash",
    "planned_variant",
    "cutout_content"
  };

  /** The columns executors read: the planned ones, then the caption phase's, in order. */
  public static final String[] COLUMNS =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(PLANNED_COLUMNS),
              java.util.stream.Stream.of(
                  "caption",
                  "caption_source",
                  "caption_model",
                  "caption_reason",
                  "caption_rows",
                  "caption_rank",
                  "caption_tokens_in",
                  "caption_tokens_out",
                  "caption_api_eur",
                  "caption_seconds"))
          .toArray(String[]::new);

  public static final int MAX_PROMPT_CHARS = 1000;
  public static final int MIN_SIDE = 16;

  public static CatalogRow from(Row row) {
    return new CatalogRow(
        row.isNullAt(0) ? null : row.getString(0),
        row.isNullAt(1) ? null : row.getString(1),
        row.isNullAt(2) ? null : row.getString(2),
        row.isNullAt(3) ? null : row.getLong(3),
        row.isNullAt(4) ? null : row.getLong(4),
        row.isNullAt(5) ? null : row.getLong(5),
        row.isNullAt(6) ? null : row.getString(6),
        row.getString(7),
        row.getString(8),
        row.isNullAt(10)
            ? null
            : new PlannedCaption(
                row.getString(10),
                row.getString(11),
                row.isNullAt(12) ? null : row.getString(12),
                row.isNullAt(13) ? null : row.getString(13),
                row.getLong(14),
                row.getLong(15),
                row.getLong(16),
                row.getLong(17),
                row.getDouble(18),
                row.getDouble(19)),
        row.isNullAt(9) ? null : row.getString(9));
  }

  /** Why this row cannot be rendered, or null when it can. */
  public String rejectReason(int maxSide) {
    String skuProblem = ObjectKeys.rejectReason(sku);
    if (skuProblem != null) {
      return skuProblem;
    }
    String promptProblem = promptProblem(prompt);
    if (promptProblem != null) {
      return promptProblem;
    }
    String widthProblem = sideProblem("width", width, maxSide);
    if (widthProblem != null) {
      return widthProblem;
    }
    String heightProblem = sideProblem("height", height, maxSide);
    if (heightProblem != null) {
      return heightProblem;
    }
    if (seed == null) {
      return "seed is null; every row needs a seed so its render is reproducible";
    }
    return null;
  }

  /** Why a prompt cannot be rendered (nor sent to a caption gateway), or null when it can. */
  public static String promptProblem(String prompt) {
    if (prompt == null || prompt.isBlank()) {
      return "prompt is null or empty; write a product prompt such as 'white sneaker on beach'";
    }
    if (prompt.length() > MAX_PROMPT_CHARS) {
      return "prompt is "
          + prompt.length()
          + " characters long; at most "
          + MAX_PROMPT_CHARS
          + " are accepted";
    }
    for (int i = 0; i < prompt.length(); i++) {
      char c = prompt.charAt(i);
      if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
        return "prompt contains control character U+"
            + String.format("%04X", (int) c)
            + " at position "
            + i;
      }
    }
    return null;
  }

  private static String sideProblem(String name, Long value, int maxSide) {
    if (value == null) {
      return name + " is null; give the image size in pixels";
    }
    if (value < MIN_SIDE || value > maxSide) {
      return name + " " + value + " is outside [" + MIN_SIDE + ", " + maxSide + "] pixels";
    }
    return null;
  }
}
