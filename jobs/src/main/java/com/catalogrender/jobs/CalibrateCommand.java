package com.catalogrender.jobs;

import com.catalogrender.render.Calibration;
import com.catalogrender.render.RenderConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calibrate [render's setting flags] [--sizes WxH,...] [--rows-per-size N]}: measures what a
 * render costs with these settings on these executors, per size bucket, into the warehouse's {@code
 * calibration} table, so a first dry run or budget of a new catalog has an estimate.
 */
@Command(
    name = "calibrate",
    description = {
      "Measure seconds and EUR per render for this model, variant, device class and size bucket"
          + " (a few batches through the real job, warm-up discarded) into the warehouse's"
          + " calibration table; dry runs and budgets use it where a row has no history."
    },
    footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error."})
final class CalibrateCommand implements SparkJob {
  private static final int MAX_SIDE = 4096;

  @Mixin SettingsFileOption settings;

  @Option(
      names = "--sizes",
      paramLabel = "WxH[,WxH...]",
      description =
          "output sizes to calibrate (default: the most common size of each size bucket"
              + " in the catalog)")
  String sizes;

  @Option(
      names = "--rows-per-size",
      paramLabel = "N",
      defaultValue = "8",
      description = "rows rendered per size in each of the two measured passes")
  int rowsPerSize;

  @Spec CommandSpec spec;

  private Map<String, String> flags;
  private RenderConfig config;
  private List<long[]> givenSizes;

  @Override
  public void check() {
    flags = RenderSettingOptions.given(spec);
    config = RenderCommand.configure(flags, settings.location);
    if (config.model().simulated()) {
      throw new IllegalArgumentException(
          "calibrate measures the model itself; simulate_device_seconds="
              + config.model().simulateDeviceSeconds()
              + " is for scale runs (render --simulate-device-seconds): remove it");
    }
    givenSizes = sizes == null ? null : parseSizes(sizes);
    if (rowsPerSize < 1) {
      throw new IllegalArgumentException(
          "calibrate: --rows-per-size must be at least 1, got " + rowsPerSize);
    }
  }

  static List<long[]> parseSizes(String text) {
    List<long[]> parsed = new ArrayList<>();
    for (String one : text.split(",")) {
      String[] parts = one.trim().toLowerCase(java.util.Locale.ROOT).split("x");
      try {
        long width = Long.parseLong(parts[0].trim());
        long height = Long.parseLong(parts[1].trim());
        if (parts.length != 2
            || width < 16
            || height < 16
            || width > MAX_SIDE
            || height > MAX_SIDE) {
          throw new NumberFormatException();
        }
        parsed.add(new long[] {width, height});
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "calibrate: --sizes '"
                + one.trim()
                + "' is not WIDTHxHEIGHT with sides in [16, "
                + MAX_SIDE
                + "], e.g. --sizes 512x512,1024x768");
      }
    }
    return parsed;
  }

  @Override
  public int run(SparkSession spark) throws java.io.IOException {
    List<long[]> toCalibrate =
        givenSizes != null ? givenSizes : Calibration.sizesOf(spark, config.catalog());
    Calibration.Plan plan =
        Calibration.plan(config.run().warehouse().root(), toCalibrate, rowsPerSize);
    Map<String, String> scratch = new HashMap<>(flags);
    scratch.putAll(plan.overrides());
    Calibration.Result result =
        Calibration.run(
            spark, RenderCommand.configure(scratch, settings.location), plan, System.err::println);
    System.out.printf(
        "calibration %s -> %s%n%-10s %-8s %-12s %8s %12s %14s%n",
        result.runId(),
        plan.calibrationTable(),
        "bucket",
        "variant",
        "device",
        "renders",
        "s/render",
        "EUR/render");
    for (Row row : result.rows()) {
      System.out.printf(
          "%-10s %-8s %-12s %8d %12.4f %14.9f%n",
          row.getAs("size_bucket"),
          row.getAs("variant"),
          row.getAs("device_class"),
          (long) row.getAs("renders"),
          (double) row.getAs("seconds_per_render"),
          (double) row.getAs("eur_per_render"));
    }
    return ExitCodes.SUCCESS;
  }
}
