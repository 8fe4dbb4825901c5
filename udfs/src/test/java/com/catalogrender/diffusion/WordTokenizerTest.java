package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
  private static final List<String> VOCABULARY =
      List.of("<pad>", "<unk>", "<bos>", "red", "mug", "on", "beach");

  @Test
  void encodesLikeThePythonTokenizer() {
    WordTokenizer tokenizer = new WordTokenizer(VOCABULARY, 8);
    // lower-cased, punctuation splits words, unknown words map to <unk>, padded with 0
    assertArrayEquals(
        new long[] {2, 3, 4, 5, 6, 1, 0, 0}, tokenizer.encode("Red MUG on beach, zebra!"));
  }

  @Test
  void truncatesToItsLengthAndKeepsTheBeginToken() {
    WordTokenizer tokenizer = new WordTokenizer(VOCABULARY, 3);
    assertArrayEquals(new long[] {2, 3, 4}, tokenizer.encode("red mug on beach"));
    assertArrayEquals(new long[] {2, 0, 0}, tokenizer.encode(""));
    assertArrayEquals(new long[] {2, 0, 0}, tokenizer.encode(null));
  }

  @Test
  void countsUnknownWords() {
    WordTokenizer tokenizer = new WordTokenizer(VOCABULARY, 8);
    assertEquals(2, tokenizer.unknownWords("red zebra on a beach"));
  }

  @Test
  void matchesTheDemoModelsVocabularyFile() {
    WordTokenizer tokenizer = WordTokenizer.load(ModelDirectory.open(DemoModel.directory()));
    // value printed by models/scripts/vocabulary.py encode()
    assertArrayEquals(
        new long[] {2, 9, 4, 27, 18, 17, 32, 33, 23, 24, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        tokenizer.encode("Red MUG on beach, studio lighting from upper-left!! zebra"));
  }

  @Test
  void rejectsAVocabularyWithoutSpecialTokens() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new WordTokenizer(List.of("<pad>", "a"), 4));
    assertEquals("Vocabulary has no <unk> token", e.getMessage());
  }
}
