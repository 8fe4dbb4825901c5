package com.catalogrender.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageValuesTest {
  @Test
  void aBatchSplitOverItsRowsAddsBackUp() {
    StageValues batch =
        StageValues.of(Map.of(Stage.TEXT_ENCODER, 0.3, Stage.UNET, 2.9, Stage.VAE, 0.7));
    int rows = 7;
    double share = 1.0 / rows;
    StageValues sum = StageValues.ZERO;
    for (int i = 0; i < rows; i++) {
      double weight = i == rows - 1 ? 1.0 - share * (rows - 1) : share;
      sum = sum.plus(batch.times(weight));
    }
    for (Stage stage : Stage.values()) {
      assertEquals(batch.get(stage), sum.get(stage), 1e-12, stage.label());
    }
    assertEquals(3.9, batch.modelDevice(), 1e-12);
  }

  @Test
  void stagesNotSetAreZeroAndLabelsAreColumnNames() {
    StageValues io = StageValues.of(Stage.IO, 1.5).with(Stage.CAPTION, 0.5);
    assertEquals(0.0, io.get(Stage.UNET));
    assertEquals(2.0, io.total());
    assertEquals(0.0, io.modelDevice());
    assertEquals("text_encoder", Stage.TEXT_ENCODER.label());
    assertThrows(IllegalArgumentException.class, () -> StageValues.of(Stage.UNET, Double.NaN));
  }
}
