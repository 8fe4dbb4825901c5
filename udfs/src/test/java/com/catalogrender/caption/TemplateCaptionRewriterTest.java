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
    assertEquals(
        "blue mug on wood, studio lighting from upper-right",
        rewriter.caption("mugs", "Navy mug on a wooden table"));
    assertEquals(
        "green bottle on pastel gradient, studio lighting from front",
        rewriter.caption("bottles", "emerald water bottle on a pastel background"));
    assertEquals(
        "red sneaker on studio white, studio lighting from upper-left",
        rewriter.caption("sneakers", "crimson sneakers on a white background"));
    assertEquals(
        "purple lamp on marble, studio lighting from upper-right",
        rewriter.caption("lamps", "violet table lamp on a marble countertop"));
  }
}
