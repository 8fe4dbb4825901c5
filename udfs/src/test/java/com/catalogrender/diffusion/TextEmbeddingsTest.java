package com.catalogrender.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.embedding.EmbeddingCache;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cached text embeddings give the same render, bit for bit, as the encoder run in the batch. */
class TextEmbeddingsTest {

  @Test
  void aCachedBatchRendersExactlyLikeAnUncachedOne() {
    ModelDirectory directory = ModelDirectory.open(DemoModel.directory());
    SamplingOptions options = new SamplingOptions(4, 4.0);
    List<RenderRequest> requests =
        List.of(
            new RenderRequest("red mug on wood, studio lighting from upper-left", 1),
            new RenderRequest("blue sneaker on beach, studio lighting from front", 2),
            new RenderRequest("red mug on wood, studio lighting from upper-left", 3));
    EmbeddingCache cache =
        new EmbeddingCacheSpec(EmbeddingCacheSpec.Mode.MEMORY, null, 60, 100, 1).executorWide();
    try (DiffusionModel model = DiffusionModel.load(directory, Variant.FP32, ComputeDevice.CPU);
        DiffusionPredictor plain = model.newPredictor();
        DiffusionPredictor cached =
            model.newPredictor(com.catalogrender.measure.Ticker.system(), cache)) {
      RenderBatch reference = plain.render(requests, options);
      RenderBatch first = cached.render(requests, options);
      RenderBatch second = cached.render(requests, options);
      assertArrayEquals(new boolean[] {false, false, false}, first.embeddingCacheHits());
      assertArrayEquals(new boolean[] {true, true, true}, second.embeddingCacheHits());
      assertEquals(0, second.embeddingCacheFailures());
      assertArrayEquals(reference.latents(), first.latents());
      assertArrayEquals(reference.latents(), second.latents(), "cache hit = identical latents");
      assertFalse(model.textEncoderId().isBlank());
      assertTrue(model.textEncoderId().startsWith("catalog-render-demo:"));
    }
  }
}
