package com.catalogrender.cost;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The size buckets calibration and estimates are kept in: by the longer side of the output image
 * ({@code <=64}, {@code <=128}, ... doubling to {@code <=4096}). Resizing, sharpening, encoding and
 * upload scale with the pixels; the model's own stages do not depend on the output size at all. One
 * rule, used in Java and, as a column, in Spark SQL.
 */
public final class SizeBucket {
  private static final long[] LONGER_SIDES = {64, 128, 256, 512, 1024, 2048, 4096};

  private SizeBucket() {}

  /** The bucket of an output size. */
  public static String of(long width, long height) {
    long side = Math.max(width, height);
    for (long limit : LONGER_SIDES) {
      if (side <= limit) {
        return "<=" + limit;
      }
    }
    return ">" + LONGER_SIDES[LONGER_SIDES.length - 1];
  }

  /** {@link #of} as a Spark column over width and height columns. */
  public static Column column(Column width, Column height) {
    Column side = greatest(width, height);
    Column bucket = lit(">" + LONGER_SIDES[LONGER_SIDES.length - 1]);
    for (int i = LONGER_SIDES.length - 1; i >= 0; i--) {
      bucket = when(side.leq(LONGER_SIDES[i]), lit("<=" + LONGER_SIDES[i])).otherwise(bucket);
    }
    return bucket;
  }
}
