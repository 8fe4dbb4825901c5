package com.catalogrender.caption;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps common catalog wording to the words the demo model knows, so a real catalog prompt does not
 * silently lose its background, colour or product: "wooden table" -> wood, "pastel background" ->
 * pastel gradient, "white background" -> studio white, "navy" -> blue, "mugs" -> mug. Longer
 * phrases are replaced first; matching ignores case and keeps the rest of the prompt as it is.
 *
 * <p>The demo model knows: categories sneaker, mug, bottle, box, watch, lamp; colours red, blue,
 * green, yellow, white, black, orange, purple; backgrounds studio white, beach, marble, wood,
 * pastel gradient; lighting upper-left, upper-right, front.
 */
public final class CatalogWording {
  private static final Map<Pattern, String> PHRASES = new LinkedHashMap<>();

  static {
    // backgrounds, longest first
    phrase(
        "(?:on |against )?(?:a )?(?:plain |seamless |pure )?white (?:background|backdrop)",
        "on studio white");
    phrase(
        "(?:a )?(?:wooden|oak|walnut|pine|wood) (?:table|surface|tabletop|desk|floor|board)",
        "wood");
    phrase("(?:a )?marble (?:table|surface|countertop|counter|slab|tabletop)", "marble");
    phrase(
        "(?:a )?(?:soft )?pastel (?:background|backdrop|gradient background)", "pastel gradient");
    phrase("(?:a )?(?:sandy |sunny )?(?:beach|seaside|shore)(?: scene| background)?", "beach");
    phrase("wooden", "wood");
    // colours
    phrase("navy|cobalt|azure|royal blue", "blue");
    phrase("crimson|scarlet|burgundy", "red");
    phrase("emerald|olive|lime|forest green", "green");
    phrase("golden|gold|mustard", "yellow");
    phrase("violet|lilac|lavender|plum", "purple");
    phrase("charcoal|jet black|matte black", "black");
    phrase("ivory|cream|off-white", "white");
    phrase("tangerine|amber", "orange");
    // plural and near-synonym categories
    phrase("sneakers|trainers|running shoes|running shoe|trainer", "sneaker");
    phrase("mugs|coffee cups|coffee cup|cups|cup", "mug");
    phrase("bottles|water bottles|water bottle", "bottle");
    phrase("boxes|gift boxes|gift box", "box");
    phrase("watches|wristwatches|wristwatch", "watch");
    phrase("lamps|table lamps|table lamp|desk lamps|desk lamp", "lamp");
  }

  private CatalogWording() {}

  private static void phrase(String regex, String replacement) {
    PHRASES.put(
        Pattern.compile("(?<![a-z-])(?:" + regex + ")(?![a-z-])", Pattern.CASE_INSENSITIVE),
        replacement);
  }

  /** {@code prompt} in the demo model's words. */
  public static String normalise(String prompt) {
    String out = prompt;
    for (Map.Entry<Pattern, String> e : PHRASES.entrySet()) {
      Matcher m = e.getKey().matcher(out);
      out = m.replaceAll(Matcher.quoteReplacement(e.getValue()));
    }
    // "on on studio white" when the prompt said "on a white background"
    return out.replaceAll("(?i)\\bon on\\b", "on").replaceAll("\\s+", " ").trim();
  }
}
