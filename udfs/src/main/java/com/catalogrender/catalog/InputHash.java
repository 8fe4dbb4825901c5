package com.catalogrender.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a render depends on, hashed: prompt, size, seed, source image, model id and version, and
 * UNet variant. An {@code ok} render with the same hash makes a row skippable; the hash is also
 * part of the image's object key. Fields are length-prefixed (null as length -1) so no two inputs
 * collide by concatenation.
 */
public final class InputHash {
  private InputHash() {}

  public static String of(
      String prompt,
      long width,
      long height,
      long seed,
      String sourceImage,
      String modelId,
      String modelVersion,
      String variant) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String field :
          new String[] {
            "v1",
            prompt,
            Long.toString(width),
            Long.toString(height),
            Long.toString(seed),
            sourceImage,
            modelId,
            modelVersion,
            variant
          }) {
        if (field == null) {
          digest.update("-1:".getBytes(StandardCharsets.UTF_8)); // no string has length -1
          continue;
        }
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) ':');
        digest.update(bytes);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
