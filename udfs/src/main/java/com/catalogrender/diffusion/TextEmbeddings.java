package com.catalogrender.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.catalogrender.embedding.EmbeddingCache;
import com.catalogrender.embedding.EmbeddingCodec;
import com.catalogrender.measure.DeviceClock;
import com.catalogrender.measure.Ticker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conditioning of a batch: text-encoder hidden states of each caption, through the embedding
 * cache (one multi-get per batch; the encoder runs once per distinct missing caption; one multi-set
 * for what it computed), preceded by the unconditional (empty caption) states, which the model
 * computes once per executor. The cache's round trips and the encoder are timed apart: the cache is
 * CPU and network time, the encoder device time on the device's busy clock.
 */
final class TextEmbeddings {
  /**
   * Conditioning for the doubled batch, per caption whether it came from the cache, and the seconds
   * of the cache's round trips and of the encoder.
   */
  record Embedded(
      NDArray conditioning,
      NDArray pooled,
      boolean[] cacheHits,
      int cacheFailures,
      double cacheSeconds,
      double encoderSeconds) {}

  private final DiffusionModel model;
  private final EmbeddingCache cache;
  private final Ticker ticker;
  private final DeviceClock clock;

  TextEmbeddings(DiffusionModel model, EmbeddingCache cache, Ticker ticker, DeviceClock clock) {
    this.model = model;
    this.cache = cache;
    this.ticker = ticker;
    this.clock = clock;
  }

  Embedded embed(NDManager manager, List<String> captions) {
    int batch = captions.size();
    int perCaption = model.manifest().embeddingSize();
    Map<String, float[]> byCaption = new LinkedHashMap<>();
    captions.forEach(c -> byCaption.put(c, null));
    List<String> distinct = new ArrayList<>(byCaption.keySet());
    String encoderId = model.textEncoderId();
    byte[][] keys = new byte[distinct.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = EmbeddingCodec.key(encoderId, distinct.get(i));
    }
    boolean timed = cache != EmbeddingCache.NONE; // no cache: no round trips to time
    long lookupStart = timed ? ticker.nanoTime() : 0;
    EmbeddingCache.Lookup lookup = cache.getAll(keys);
    double cacheSeconds = timed ? ticker.secondsSince(lookupStart) : 0;
    double encoderSeconds = 0;
    int failures = lookup.failed() ? 1 : 0;
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      float[] cached = EmbeddingCodec.decode(lookup.values()[i], perCaption);
      if (cached == null) {
        missing.add(i);
      } else {
        byCaption.put(distinct.get(i), cached);
      }
    }
    boolean[] hits = new boolean[batch];
    for (int i = 0; i < batch; i++) {
      hits[i] = byCaption.get(captions.get(i)) != null;
    }
    if (!missing.isEmpty()) {
      List<String> toEncode = new ArrayList<>(missing.size());
      missing.forEach(i -> toEncode.add(distinct.get(i)));
      DeviceClock.Span encoding = clock.busy(ticker);
      float[] encoded = model.encodeText(manager, toEncode);
      encoderSeconds = encoding.end();
      byte[][] missKeys = new byte[missing.size()][];
      byte[][] missValues = new byte[missing.size()][];
      for (int m = 0; m < missing.size(); m++) {
        float[] one = new float[perCaption];
        System.arraycopy(encoded, m * perCaption, one, 0, perCaption);
        byCaption.put(toEncode.get(m), one);
        missKeys[m] = keys[missing.get(m)];
        missValues[m] = EmbeddingCodec.encode(one);
      }
      long writeStart = timed ? ticker.nanoTime() : 0;
      if (!cache.putAll(missKeys, missValues)) {
        failures++;
      }
      cacheSeconds += timed ? ticker.secondsSince(writeStart) : 0;
    }
    float[] unconditional = model.unconditionalEmbedding();
    float[] all = new float[2 * batch * perCaption];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(unconditional, 0, all, i * perCaption, perCaption);
      System.arraycopy(
          byCaption.get(captions.get(i)), 0, all, (batch + i) * perCaption, perCaption);
    }
    ModelManifest manifest = model.manifest();
    int states = manifest.maxTokens() * manifest.textHiddenSize();
    int pooledSize = manifest.pipeline().pooledSize();
    float[] hidden = all;
    float[] pooled = null;
    if (pooledSize > 0) {
      hidden = new float[2 * batch * states];
      pooled = new float[2 * batch * pooledSize];
      for (int i = 0; i < 2 * batch; i++) {
        System.arraycopy(all, i * perCaption, hidden, i * states, states);
        System.arraycopy(all, i * perCaption + states, pooled, i * pooledSize, pooledSize);
      }
    }
    NDArray conditioning =
        manager.create(
            hidden, new Shape(2L * batch, manifest.maxTokens(), manifest.textHiddenSize()));
    NDArray pooledArray =
        pooled == null ? null : manager.create(pooled, new Shape(2L * batch, pooledSize));
    return new Embedded(conditioning, pooledArray, hits, failures, cacheSeconds, encoderSeconds);
  }
}
