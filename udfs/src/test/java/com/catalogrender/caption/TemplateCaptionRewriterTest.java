package com.catalogrender.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TemplateCaptionRewriterTest {
  private final TemplateCaptionRewriter rewriter = new TemplateCaptionRewriter();

  @Test
  void addsCategoryAwareLightingInTheModelsWords() {
    assertEquals(
        "white sneaker on beach, studio lighting from upper-left",
        rewriter.caption("sneakers", "  white   sneaker on beach "));
    assertEquals(
        "red mug on wood, studio lighting from upper-right",
        rewriter.caption("mugs", "red mug on wood"));
    assertEquals(
        "green box on marble, studio lighting from upper-left",
        rewriter.caption("boxes", "green box on marble"));
    assertEquals("a watch, studio lighting from front", rewriter.caption("watches", "a watch"));
  }

  @Test
  void keepsAPromptThatNamesItsLightingAndIsDeterministicForUnknownCategories() {
    assertEquals("red mug, soft lighting", rewriter.caption("mugs", "red mug, soft lighting"));
    assertEquals(
        rewriter.caption("candles", "ivory candle"), rewriter.caption("candles", "ivory candle"));
  }

  @Test
  void catalogWordingBecomesTheModelsWords() {
    String[][] cases = {
      {"mugs", "Navy mug on a wooden table", "blue mug on wood"},
      {"bottles", "emerald water bottle on a pastel background", "green bottle on pastel gradient"},
      {"sneakers", "crimson sneakers on a white background", "red sneaker on studio white"},
      {"lamps", "violet table lamp on a marble countertop", "purple lamp on marble"}
    };
    for (String[] c : cases) {
      String caption = rewriter.caption(c[0], c[1]);
      assertEquals(c[2], caption.substring(0, caption.indexOf(", studio lighting")), c[1]);
    }
  }
}
