package com.catalogrender.caption;

import java.util.Locale;
import java.util.Map;

/**
 * How a run rewrites prompts into captions: the rewriter ({@code template}, the offline default, or
 * {@code gateway}), whether each distinct (category, prompt) is rewritten once per run ({@code
 * caption_dedupe}, on by default; off only to measure what dedupe saves), and the gateway's
 * settings when it is used.
 */
public record CaptionSettings(String rewriter, boolean dedupe, GatewaySettings gateway) {
  public static final String REWRITER = "caption_rewriter";
  public static final String DEDUPE = "caption_dedupe";
  public static final String TEMPLATE = "template";
  public static final String GATEWAY = "gateway";

  public static final CaptionSettings TEMPLATE_DEFAULT = new CaptionSettings(TEMPLATE, true, null);

  public static CaptionSettings parse(Map<String, String> s) {
    String rewriter = s.getOrDefault(REWRITER, TEMPLATE).trim().toLowerCase(Locale.ROOT);
    String dedupeText = s.getOrDefault(DEDUPE, "true").trim().toLowerCase(Locale.ROOT);
    if (!dedupeText.equals("true") && !dedupeText.equals("false")) {
      throw new IllegalArgumentException(
          DEDUPE + " must be true or false, got '" + dedupeText + "'");
    }
    boolean dedupe = dedupeText.equals("true");
    return switch (rewriter) {
      case TEMPLATE -> new CaptionSettings(TEMPLATE, dedupe, null);
      case GATEWAY -> new CaptionSettings(GATEWAY, dedupe, GatewaySettings.parse(s));
      default ->
          throw new IllegalArgumentException(
              REWRITER + " must be template or gateway, got '" + rewriter + "'");
    };
  }

  public boolean usesGateway() {
    return gateway != null;
  }

  /** The model whose price the run must know before it starts. */
  public String pricedModel() {
    return usesGateway() ? gateway.model() : TEMPLATE;
  }
}
