package com.catalogrender.caption;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat model's answer read as one caption, the way real models write it: a preamble line ("Here
 * is the caption:"), a label ("Prompt: ..."), the caption in quotes, backticks or a code fence,
 * markdown bold or a bullet, a caption wrapped over lines, a trailing newline, or several
 * alternatives (a numbered or bulleted list, paragraphs, or quoted captions joined by "or"), of
 * which the first is taken. What was normalised is named in {@link #fixes()}, so a run can say how
 * often its model misbehaves. Whether what remains is usable is decided by the caller.
 *
 * @param caption the caption, on one line with single spaces (may be empty)
 * @param fixes what was normalised, in the order it was done (empty for a clean answer)
 * @param rawLength the answer's length in characters as the model wrote it
 */
public record ChatAnswer(String caption, List<String> fixes, int rawLength) {
  public static final String PREAMBLE = "preamble";
  public static final String LABEL = "label";
  public static final String ALTERNATIVES = "alternatives";
  public static final String BULLET = "bullet";
  public static final String CODE_FENCE = "code fence";
  public static final String MARKDOWN = "markdown";
  public static final String QUOTES = "quotes";
  public static final String NEWLINES = "newlines";
  public static final String WHITESPACE = "whitespace";

  private static final Pattern LIST_ITEM =
      Pattern.compile(
          "^(?:[-*\u2022+]\\s+|\\d{1,2}[.)]\\s+|\\(\\d{1,2}\\)\\s+"
              + "|(?:option|alternative|caption|version|variant)\\s*#?\\d{1,2}\\s*[:.)-]\\s*)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern LABEL_PREFIX =
      Pattern.compile(
          "^([A-Za-z][A-Za-z' \u2019-]{0,48}?)\\s*:\\s*(\\S.*)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern LABEL_WORDS =
      Pattern.compile(
          "\\b(?:caption|prompt|description|here|rewritten|rewrite|answer|output|result|image"
              + "|diffusion|final)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern QUOTED_ALTERNATIVES =
      Pattern.compile(
          "^([\"\u201c])([^\"\u201c\u201d]+)[\"\u201d]\\s*(?:,|;|/|\\bor\\b)\\s*[\"\u201c].*$",
          Pattern.CASE_INSENSITIVE);
  private static final String[][] QUOTE_PAIRS = {
    {"\"", "\""},
    {"'", "'"},
    {"\u201c", "\u201d"},
    {"\u2018", "\u2019"},
    {"\u00ab", "\u00bb"},
    {"`", "`"}
  };
  private static final Pattern EMPHASIS =
      Pattern.compile(
          "(\\*\\*|__)(.+?)\\1|(?<![\\w*])\\*(?!\\s)(.+?)(?<!\\s)\\*(?![\\w*])|`([^`]+)`");

  public ChatAnswer {
    fixes = List.copyOf(fixes);
  }

  /** Reads a model's raw answer (null reads as empty). */
  public static ChatAnswer read(String raw) {
    String answer = raw == null ? "" : raw;
    Set<String> fixes = new LinkedHashSet<>();
    String text = answer.replace("\r\n", "\n").replace('\r', '\n');
    if (!text.equals(text.strip())) {
      fixes.add(WHITESPACE);
    }
    text = text.strip();
    if (text.startsWith("```")) {
      text =
          text.replaceFirst("^```[A-Za-z0-9_-]*\\n?", "").replaceFirst("\\n?```\\s*$", "").strip();
      fixes.add(CODE_FENCE);
    }
    List<String> lines = new ArrayList<>();
    List<Integer> paragraphs = new ArrayList<>(); // index in lines where each paragraph starts
    boolean blank = true;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        blank = true;
        continue;
      }
      if (blank) {
        paragraphs.add(lines.size());
      }
      blank = false;
      lines.add(trimmed);
    }
    if (lines.size() > 1 && plain(lines.get(0)).endsWith(":")) {
      lines.remove(0);
      paragraphs.replaceAll(start -> Math.max(0, start - 1));
      paragraphs = new ArrayList<>(new LinkedHashSet<>(paragraphs));
      fixes.add(PREAMBLE);
    }
    String chosen = choose(lines, paragraphs, fixes);
    chosen = unlabel(chosen, fixes);
    Matcher quoted = QUOTED_ALTERNATIVES.matcher(chosen);
    if (quoted.matches()) {
      chosen = quoted.group(2);
      fixes.add(ALTERNATIVES);
      fixes.add(QUOTES);
    }
    String before;
    do {
      before = chosen;
      chosen = unquote(unmark(chosen, fixes), fixes).strip();
    } while (!chosen.equals(before));
    chosen = unlabel(chosen, fixes);
    String collapsed = chosen.replaceAll("\\s+", " ").strip();
    if (!collapsed.equals(chosen)) {
      fixes.add(chosen.contains("\n") ? NEWLINES : WHITESPACE);
    }
    return new ChatAnswer(collapsed, new ArrayList<>(fixes), answer.length());
  }

  /** Whether anything beyond white space at the ends was normalised. */
  public boolean reshaped() {
    return fixes.stream().anyMatch(fix -> !fix.equals(WHITESPACE));
  }

  /** What the caption_reason of a normalised answer says; null for a clean answer. */
  public String describe() {
    if (fixes.isEmpty()) {
      return null;
    }
    return "normalised: " + String.join(", ", fixes) + " (raw answer " + rawLength + " chars)";
  }

  /**
   * The caption among the answer's lines: the first of several list items or paragraphs, else the
   * lines joined (a caption wrapped over lines).
   */
  private static String choose(List<String> lines, List<Integer> paragraphs, Set<String> fixes) {
    if (lines.isEmpty()) {
      return "";
    }
    List<String> items = new ArrayList<>();
    for (String line : lines) {
      Matcher item = LIST_ITEM.matcher(line);
      if (item.find()) {
        items.add(line.substring(item.end()));
      }
    }
    if (items.size() >= 2) {
      fixes.add(ALTERNATIVES);
      return items.get(0);
    }
    if (items.size() == 1 && lines.size() == 1) {
      fixes.add(BULLET);
      return items.get(0);
    }
    if (paragraphs.size() >= 2) {
      fixes.add(ALTERNATIVES);
      int end = paragraphs.get(1);
      return String.join("\n", lines.subList(0, end));
    }
    return String.join("\n", lines);
  }

  /** "Caption: blue mug ..." -> "blue mug ...", when the label is a short one about the answer. */
  private static String unlabel(String text, Set<String> fixes) {
    Matcher m = LABEL_PREFIX.matcher(plain(text));
    if (m.matches()
        && m.group(1).split("\\s+").length <= 5
        && LABEL_WORDS.matcher(m.group(1)).find()) {
      fixes.add(LABEL);
      if (!plain(text).equals(text.strip())) {
        fixes.add(MARKDOWN);
      }
      return m.group(2).strip();
    }
    return text;
  }

  private static String unmark(String text, Set<String> fixes) {
    String out = text.replaceFirst("^(?:#{1,6}\\s+|>\\s+)", "");
    boolean heading = !out.equals(text);
    Matcher m = EMPHASIS.matcher(out);
    StringBuilder replaced = new StringBuilder();
    boolean backtick = false;
    boolean emphasis = false;
    while (m.find()) {
      String inner = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
      if (m.group(4) != null) {
        backtick = true;
      } else {
        emphasis = true;
      }
      m.appendReplacement(replaced, Matcher.quoteReplacement(inner));
    }
    m.appendTail(replaced);
    out = replaced.toString();
    if (emphasis || heading) {
      fixes.add(MARKDOWN);
    }
    if (backtick) {
      fixes.add(QUOTES);
    }
    return out;
  }

  private static String unquote(String text, Set<String> fixes) {
    for (String[] pair : QUOTE_PAIRS) {
      if (text.length() >= pair[0].length() + pair[1].length()
          && text.startsWith(pair[0])
          && text.endsWith(pair[1])) {
        String inner = text.substring(pair[0].length(), text.length() - pair[1].length());
        if (!inner.contains(pair[0]) || pair[0].equals("'")) {
          fixes.add(QUOTES);
          return inner;
        }
      }
    }
    // a quoted caption followed by its closing full stop: "blue mug on beach".
    for (String[] pair : QUOTE_PAIRS) {
      String close = pair[1] + ".";
      if (text.startsWith(pair[0]) && text.endsWith(close) && text.length() > 3) {
        fixes.add(QUOTES);
        return text.substring(pair[0].length(), text.length() - close.length());
      }
    }
    return text;
  }

  /** The text without markdown emphasis, to look at what it says. */
  private static String plain(String text) {
    return text.replace("**", "").replace("__", "").strip();
  }
}
