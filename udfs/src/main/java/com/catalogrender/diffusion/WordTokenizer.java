package com.catalogrender.diffusion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo model's word-level tokenizer, identical to {@code models/scripts/vocabulary.py}: lower
 * case, words are runs of [a-z0-9], unknown words map to {@code <unk>}, a {@code <bos>} token
 * first, truncated and padded with {@code <pad>} (id 0) to a fixed length.
 */
public final class WordTokenizer implements PromptTokenizer {
  public static final String VOCABULARY_FILE = "vocabulary.txt";
  private static final Pattern WORD = Pattern.compile("[a-z0-9]+");

  private final Map<String, Integer> ids;
  private final int length;
  private final int pad;
  private final int unknown;
  private final int begin;

  public WordTokenizer(List<String> vocabulary, int length) {
    if (length < 2) {
      throw new IllegalArgumentException("Token length must be at least 2, got " + length);
    }
    this.ids = new HashMap<>();
    for (int i = 0; i < vocabulary.size(); i++) {
      ids.put(vocabulary.get(i), i);
    }
    this.length = length;
    this.pad = requireToken("<pad>");
    this.unknown = requireToken("<unk>");
    this.begin = requireToken("<bos>");
    if (pad != 0) {
      throw new IllegalArgumentException("<pad> must have id 0, has " + pad);
    }
  }

  /** Loads {@code vocabulary.txt} (one token per line, line number = id) from a model directory. */
  public static WordTokenizer load(ModelDirectory model) {
    Path path = model.root().resolve(VOCABULARY_FILE);
    try {
      return new WordTokenizer(
          Files.readAllLines(path, StandardCharsets.UTF_8), model.manifest().maxTokens());
    } catch (IOException e) {
      throw new ModelArtifactException("Cannot read tokenizer vocabulary " + path, e);
    }
  }

  @Override
  public long[] encode(String text) {
    long[] out = new long[length];
    out[0] = begin;
    int position = 1;
    Matcher matcher = WORD.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    while (position < length && matcher.find()) {
      out[position++] = ids.getOrDefault(matcher.group(), unknown);
    }
    return out;
  }

  /** Number of words of a caption the model does not know (they become {@code <unk>}). */
  public int unknownWords(String text) {
    int count = 0;
    Matcher matcher = WORD.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      if (!ids.containsKey(matcher.group())) {
        count++;
      }
    }
    return count;
  }

  @Override
  public int length() {
    return length;
  }

  private int requireToken(String token) {
    Integer id = ids.get(token);
    if (id == null) {
      throw new IllegalArgumentException("Vocabulary has no " + token + " token");
    }
    return id;
  }
}
