package com.catalogrender.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Answers as chat models write them, sent by a real HTTP gateway on loopback and read by the
 * rewriter: each gives the expected caption and normalisation note, or the expected fallback
 * reason.
 */
class ChatAnswerShapesTest {
  private static final String PROMPT = "blue mug on beach";
  private static final String CAPTION = "blue mug on beach, soft studio lighting from upper-left";
  private static final List<String> DEMO_WORDS =
      List.of("mug", "sneaker", "lamp", "blue", "red", "white", "beach", "wood", "studio white");
  private static FakeGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new FakeGateway(GatewayFlavor.OPENAI);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        // shape, answer, expected caption (null: falls back), expected reason (%d: the answer's
        // length)
        Arguments.of("clean", CAPTION, CAPTION, null),
        Arguments.of(
            "preamble line, then the caption",
            "Here is the caption:\n" + CAPTION,
            CAPTION,
            "normalised: preamble (raw answer %d chars)"),
        Arguments.of(
            "label line with the caption on the next line",
            "Sure, rewritten:\nPrompt: " + CAPTION,
            CAPTION,
            "normalised: preamble, label (raw answer %d chars)"),
        Arguments.of(
            "quoted", "\"" + CAPTION + "\"", CAPTION, "normalised: quotes (raw answer %d chars)"),
        Arguments.of(
            "curly quotes and a full stop",
            "\u201c" + CAPTION + "\u201d.",
            CAPTION,
            "normalised: quotes (raw answer %d chars)"),
        Arguments.of(
            "backticks", "`" + CAPTION + "`", CAPTION, "normalised: quotes (raw answer %d chars)"),
        Arguments.of(
            "code fence",
            "```text\n" + CAPTION + "\n```",
            CAPTION,
            "normalised: code fence (raw answer %d chars)"),
        Arguments.of(
            "bulleted", "- " + CAPTION, CAPTION, "normalised: bullet (raw answer %d chars)"),
        Arguments.of(
            "two numbered alternatives",
            "1. " + CAPTION + "\n2. blue mug on beach at golden hour, close-up",
            CAPTION,
            "normalised: alternatives (raw answer %d chars)"),
        Arguments.of(
            "two alternatives as paragraphs",
            CAPTION + "\n\nblue mug on beach at golden hour",
            CAPTION,
            "normalised: alternatives (raw answer %d chars)"),
        Arguments.of(
            "two quoted alternatives joined by or",
            "\"" + CAPTION + "\" or \"blue mug on beach, golden hour\"",
            CAPTION,
            "normalised: alternatives, quotes (raw answer %d chars)"),
        Arguments.of(
            "trailing newline",
            CAPTION + "\n",
            CAPTION,
            "normalised: whitespace (raw answer %d chars)"),
        Arguments.of(
            "wrapped over two lines",
            "blue mug on beach,\nsoft studio lighting from upper-left",
            CAPTION,
            "normalised: newlines (raw answer %d chars)"),
        Arguments.of(
            "markdown bold",
            "**Caption:** blue **mug** on beach, soft studio lighting from upper-left",
            CAPTION,
            "normalised: label, markdown (raw answer %d chars)"),
        Arguments.of(
            "synonyms the catalog wording knows keep the words",
            "navy mug on a sandy beach, soft light",
            "navy mug on a sandy beach, soft light",
            null),
        Arguments.of(
            "drops the colour",
            "mug on beach, soft studio lighting from upper-left",
            null,
            "caption dropped 'blue'"),
        Arguments.of(
            "changes the background",
            "blue mug on a wooden table, soft light",
            null,
            "caption dropped 'beach'"),
        Arguments.of("empty", "  \n ", null, "the gateway answered an empty caption"),
        Arguments.of(
            "only a preamble's quotes",
            "\"\"",
            null,
            "the gateway answered an empty caption (normalised: quotes (raw answer %d chars))"),
        Arguments.of(
            "a control character that is not white space",
            "blue mug\u0007 on beach",
            null,
            "the gateway answered a caption with control character U+0007 at position 8"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void answerShape(String shape, String answer, String caption, String expectedReason)
      throws Exception {
    String reason =
        expectedReason == null ? null : expectedReason.replace("%d", "" + answer.length());
    GatewayCaptionRewriter rewriter = rewriter(RequiredPromptWords.AUTO);
    gateway.then(FakeGateway.Reply.content(answer));
    if (caption != null) {
      Caption c = rewriter.rewrite("mugs", PROMPT, false);
      assertEquals(caption, c.text(), shape);
      assertEquals(Caption.GATEWAY, c.source(), shape);
      assertEquals(reason, c.reason(), shape);
    } else {
      CaptionUnavailableException e =
          assertThrows(
              CaptionUnavailableException.class, () -> rewriter.rewrite("mugs", PROMPT, false));
      assertEquals(reason, e.getMessage(), shape);
      if (!answer.isBlank() && !answer.equals("\"\"")) {
        // the gateway billed the rejected answer: its tokens are kept for the cost
        assertEquals(FakeGateway.COMPLETION_TOKENS, e.answered().tokensOut(), shape);
      }
    }
  }

  @Test
  void requiredWordsAreConfigurable() throws Exception {
    String dropsColour = "mug on beach, soft studio lighting";
    gateway.then(FakeGateway.Reply.content(dropsColour));
    assertEquals(dropsColour, rewriter(RequiredPromptWords.OFF).rewrite("m", PROMPT, false).text());
    gateway.then(FakeGateway.Reply.content(dropsColour));
    assertEquals(
        dropsColour, rewriter("mug, beach").rewrite("m", PROMPT, false).text(), "only listed");
    gateway.then(FakeGateway.Reply.content("blue cup, soft light"));
    assertEquals(
        "caption dropped 'beach'",
        assertThrows(
                CaptionUnavailableException.class,
                () -> rewriter("mug, beach").rewrite("m", PROMPT, false))
            .getMessage());
    // a model that declares no words: every content word of the prompt is required
    GatewayCaptionRewriter contentWords =
        new GatewayCaptionRewriter(settings(RequiredPromptWords.AUTO), null, List.of());
    gateway.then(FakeGateway.Reply.content("ceramic blue mug on the beach"));
    assertEquals(
        "caption dropped 'ceramic-free'",
        assertThrows(
                CaptionUnavailableException.class,
                () -> contentWords.rewrite("m", "ceramic-free blue mug on beach", false))
            .getMessage());
    assertEquals(
        "gateway.require_prompt_words must be auto, off or a comma-separated list of words"
            + " (letters, digits, spaces, hyphens), got 'blue;red'",
        assertThrows(IllegalArgumentException.class, () -> settings("blue;red")).getMessage());
  }

  @Test
  void aCleanAnswerHasNoNote() {
    ChatAnswer clean = ChatAnswer.read(CAPTION);
    assertEquals(List.of(), clean.fixes());
    assertNull(clean.describe());
  }

  private static GatewayCaptionRewriter rewriter(String required) {
    return new GatewayCaptionRewriter(settings(required), null, DEMO_WORDS);
  }

  private static GatewaySettings settings(String required) {
    Map<String, String> s = new HashMap<>();
    s.put(GatewaySettings.URL, gateway.url());
    s.put(GatewaySettings.BACKOFF_SECONDS, "0.01");
    s.put(GatewaySettings.TIMEOUT_SECONDS, "2");
    s.put(GatewaySettings.REQUIRE_PROMPT_WORDS, required);
    return GatewaySettings.parse(s);
  }
}
