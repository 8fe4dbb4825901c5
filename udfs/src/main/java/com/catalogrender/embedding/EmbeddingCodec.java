package com.catalogrender.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Keys and values of the embedding cache. Key: {@code catalog-render:emb:} + sha256 of (text
 * encoder id, caption), so a new encoder never reads an old encoder's vectors. Value: the float32
 * hidden states, little-endian, exactly as the encoder produced them (a cached render is
 * bit-identical to an uncached one); 5,120 bytes for the demo model's 20 x 64.
 */
public final class EmbeddingCodec {
  public static final String KEY_PREFIX = "catalog-render:emb:";

  private EmbeddingCodec() {}

  public static byte[] key(String encoderId, String caption) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(encoderId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(caption.getBytes(StandardCharsets.UTF_8));
      return (KEY_PREFIX + HexFormat.of().formatHex(sha.digest()))
          .getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] encode(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /** The floats of a cached value, or null when it is not {@code expected} floats long. */
  public static float[] decode(byte[] bytes, int expected) {
    if (bytes == null || bytes.length != expected * 4) {
      return null;
    }
    float[] out = new float[expected];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
