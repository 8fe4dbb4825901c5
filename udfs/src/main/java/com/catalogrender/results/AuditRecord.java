package com.catalogrender.results;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One row of the {@code audits} table: one (audit, prompt, variant), or one sampled render when an
 * existing render run is audited ({@code source = "renders"}: no attributes, no reference).
 *
 * @param promptId the held-out prompt's id, or the SKU of a sampled render
 * @param attributes the prompt's intended attributes and what the scorer recognised, or null
 * @param reference the reference render's variant and the drift from it, or null
 */
public record AuditRecord(
    String auditId,
    String source,
    String renderRunId,
    String modelId,
    String modelVersion,
    String promptId,
    String category,
    Attributes attributes,
    String caption,
    long seed,
    String variant,
    Double similarity,
    Reference reference,
    String imageUri,
    Timestamp auditedAt)
    implements Serializable {

  /**
   * What the prompt asked for, whether the learned scorer recognised each attribute, and what the
   * pixel check (independent of any model) saw.
   *
   * @param pixelColour the product colour the pixel check named
   * @param pixelBackground the background the pixel check named
   */
  public record Attributes(
      String colour,
      String background,
      String lighting,
      boolean categoryCorrect,
      boolean colourCorrect,
      boolean backgroundCorrect,
      String pixelColour,
      String pixelBackground)
      implements Serializable {
    public boolean pixelColourCorrect() {
      return colour.equals(pixelColour);
    }

    public boolean pixelBackgroundCorrect() {
      return background.equals(pixelBackground);
    }

    public double accuracy() {
      return ((categoryCorrect ? 1 : 0) + (colourCorrect ? 1 : 0) + (backgroundCorrect ? 1 : 0))
          / 3.0;
    }
  }

  /**
   * The variant the audit compares against and this image's drift from it (null figures: this is
   * the reference).
   */
  public record Reference(String variant, Double psnr, Double ssim) implements Serializable {}
}
