package com.catalogrender.task;

import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.DiffusionModel;
import com.catalogrender.diffusion.Variant;
import com.catalogrender.embedding.EmbeddingCacheSpec;
import com.catalogrender.embedding.EmbeddingCodec;
import com.catalogrender.runtime.ExecutorHadoop;
import com.catalogrender.runtime.ModelCache;
import com.catalogrender.runtime.ModelRegistry;
import com.redislabs.provider.redis.RedisEndpoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Loads the text embeddings of a set of captions into Redis before a run: per partition, one
 * pipelined EXISTS for a group of captions, the text encoder (of the executor-wide model) for the
 * missing ones, one pipelined SETEX with the TTL. Connections come from spark-redis's executor-wide
 * pool. Returns, per partition, captions seen, already cached, and written.
 */
public final class EmbeddingWarmup implements MapPartitionsFunction<Row, long[]> {
  private static final int GROUP = 64;

  private final String modelDirectory;
  private final Variant variant;
  private final RedisEndpoint endpoint;
  private final int ttlSeconds;

  public EmbeddingWarmup(String modelDirectory, Variant variant, EmbeddingCacheSpec spec) {
    if (spec.mode() != EmbeddingCacheSpec.Mode.REDIS) {
      throw new IllegalArgumentException(
          "cache-warmup loads the Redis embedding cache: pass --spark-conf spark.redis.host=HOST"
              + " (and spark.redis.port)");
    }
    this.modelDirectory = modelDirectory;
    this.variant = variant;
    this.endpoint = spec.redis();
    this.ttlSeconds = (int) Math.min(Integer.MAX_VALUE, spec.ttlSeconds());
  }

  /** Runs over a one-column dataset of distinct captions; returns seen, already cached, written. */
  public long[] run(Dataset<Row> captions, int partitions) {
    return captions
        .repartition(partitions)
        .mapPartitions(this, Encoders.javaSerialization(long[].class))
        .reduce(
            (org.apache.spark.api.java.function.ReduceFunction<long[]>)
                (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
  }

  @Override
  public Iterator<long[]> call(Iterator<Row> rows) {
    long[] counts = new long[3];
    DiffusionModel model = null;
    List<String> group = new ArrayList<>(GROUP);
    try (Jedis jedis = endpoint.connect()) {
      while (rows.hasNext()) {
        group.add(rows.next().getString(0));
        if (group.size() == GROUP || !rows.hasNext()) {
          if (model == null) {
            model =
                ModelRegistry.executorWide()
                    .acquire(
                        ModelCache.resolve(
                                modelDirectory, ModelCache.defaultRoot(), ExecutorHadoop.get())
                            .directory(),
                        variant,
                        ComputeDevice.CPU)
                    .model();
          }
          counts[0] += group.size();
          byte[][] keys = new byte[group.size()][];
          Pipeline exists = jedis.pipelined();
          List<Response<Boolean>> found = new ArrayList<>(group.size());
          for (int i = 0; i < keys.length; i++) {
            keys[i] = EmbeddingCodec.key(model.textEncoderId(), group.get(i));
            found.add(exists.exists(keys[i]));
          }
          exists.sync();
          List<String> missing = new ArrayList<>();
          List<byte[]> missingKeys = new ArrayList<>();
          for (int i = 0; i < keys.length; i++) {
            if (Boolean.TRUE.equals(found.get(i).get())) {
              counts[1]++;
            } else {
              missing.add(group.get(i));
              missingKeys.add(keys[i]);
            }
          }
          if (!missing.isEmpty()) {
            float[] encoded = model.encode(missing);
            int per = encoded.length / missing.size();
            Pipeline set = jedis.pipelined();
            for (int i = 0; i < missing.size(); i++) {
              float[] one = new float[per];
              System.arraycopy(encoded, i * per, one, 0, per);
              set.setex(missingKeys.get(i), ttlSeconds, EmbeddingCodec.encode(one));
            }
            set.sync();
            counts[2] += missing.size();
          }
          group.clear();
        }
      }
    }
    return List.of(counts).iterator();
  }
}
