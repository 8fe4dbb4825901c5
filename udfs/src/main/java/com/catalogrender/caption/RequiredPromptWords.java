package com.catalogrender.caption;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a gateway caption must keep of its prompt ({@code gateway.require_prompt_words}): the system
 * prompt asks the model to keep the product, its colour and its background, and this checks it.
 *
 * <ul>
 *   <li>{@code auto} (the default): for a model that declares the words it knows (the demo model's
 *       categories, colours and backgrounds), those of them the prompt uses; for any other model,
 *       every content word of the prompt (not a function word such as "on" or "the");
 *   <li>a comma-separated list of words: those of them the prompt uses;
 *   <li>{@code off}: nothing is required.
 * </ul>
 *
 * Prompt and caption are both read in catalog wording ({@link CatalogWording}: "navy" is blue,
 * "wooden table" is wood), case-insensitively, a plural counting as its singular.
 *
 * @param mode {@code auto}, {@code off} or {@code listed}
 * @param listed the listed words (empty unless {@code listed})
 */
public record RequiredPromptWords(String mode, List<String> listed) {
  public static final String AUTO = "auto";
  public static final String OFF = "off";
  public static final String LISTED = "listed";

  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Set<String> FUNCTION_WORDS =
      Set.of(
          "a", "an", "the", "on", "in", "at", "of", "with", "and", "or", "for", "to", "from", "by",
          "into", "onto", "over", "under", "near", "against", "its", "it", "is", "are", "this",
          "that", "as", "some", "one", "very", "plus", "set");

  public RequiredPromptWords {
    listed = List.copyOf(listed);
  }

  /** Parses the setting's value; the error names the value and what is allowed. */
  public static RequiredPromptWords parse(String key, String value) {
    String v = value == null ? AUTO : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals(AUTO) || v.equals(OFF)) {
      return new RequiredPromptWords(v, List.of());
    }
    List<String> words = new ArrayList<>();
    for (String part : v.split(",")) {
      String word = part.trim();
      if (word.isEmpty()) {
        continue;
      }
      if (!word.matches("[a-z0-9][a-z0-9 -]*")) {
        throw new IllegalArgumentException(
            key
                + " must be auto, off or a comma-separated list of words (letters, digits,"
                + " spaces, hyphens), got '"
                + value
                + "'");
      }
      words.add(word);
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException(
          key + " must be auto, off or a comma-separated list of words, got '" + value + "'");
    }
    return new RequiredPromptWords(LISTED, words);
  }

  /** The setting as it is written: {@code auto}, {@code off} or the list. */
  public String setting() {
    return LISTED.equals(mode) ? String.join(",", listed) : mode;
  }

  /**
   * The first word of {@code prompt} that {@code caption} dropped, or null when it kept them all.
   *
   * @param modelWords the words the model declares it knows (empty when it declares none)
   */
  public String dropped(String prompt, String caption, Collection<String> modelWords) {
    if (OFF.equals(mode) || prompt == null) {
      return null;
    }
    String said = wording(caption);
    for (String word : required(prompt, modelWords)) {
      if (!contains(said, word)) {
        return word;
      }
    }
    return null;
  }

  /** The words of {@code prompt} a caption must keep, in the order the prompt says them. */
  public List<String> required(String prompt, Collection<String> modelWords) {
    String asked = wording(prompt);
    Set<String> out = new LinkedHashSet<>();
    if (LISTED.equals(mode) || !modelWords.isEmpty()) {
      Collection<String> candidates = LISTED.equals(mode) ? listed : modelWords;
      List<int[]> found = new ArrayList<>();
      List<String> words = new ArrayList<>();
      for (String candidate : candidates) {
        int at = indexOf(asked, candidate.toLowerCase(Locale.ROOT));
        if (at >= 0) {
          found.add(new int[] {at, words.size()});
          words.add(candidate.toLowerCase(Locale.ROOT));
        }
      }
      found.sort((x, y) -> Integer.compare(x[0], y[0]));
      for (int[] f : found) {
        out.add(words.get(f[1]));
      }
      return new ArrayList<>(out);
    }
    var m = WORD.matcher(asked);
    while (m.find()) {
      String word = m.group();
      if (!FUNCTION_WORDS.contains(word)) {
        out.add(word);
      }
    }
    return new ArrayList<>(out);
  }

  private static String wording(String text) {
    return CatalogWording.normalise(text == null ? "" : text).toLowerCase(Locale.ROOT);
  }

  private static boolean contains(String text, String word) {
    return indexOf(text, word) >= 0;
  }

  /** Where {@code word} (or its plural) stands as a whole word in {@code text}, or -1. */
  private static int indexOf(String text, String word) {
    var m =
        Pattern.compile("(?<![a-z0-9-])" + Pattern.quote(word) + "(?:s|es)?(?![a-z0-9-])")
            .matcher(text);
    return m.find() ? m.start() : -1;
  }
}
