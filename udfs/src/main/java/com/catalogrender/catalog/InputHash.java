package com.catalogrender.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash of a render's fingerprint ({@code task.Fingerprint}): every component, name and value,
 * in name order, length-prefixed (null as length -1) so no two fingerprints collide by
 * concatenation. An {@code ok} render with the same hash makes a row skippable; the hash is also
 * part of the image's object key.
 */
public final class InputHash {
  /** Bumped when what the hash covers changes: every row then renders once more. */
  static final String VERSION = "v2";

  private InputHash() {}

  public static String of(Map<String, String> fingerprint) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      field(digest, VERSION);
      for (Map.Entry<String, String> component : new TreeMap<>(fingerprint).entrySet()) {
        field(digest, component.getKey());
        field(digest, component.getValue());
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(MessageDigest digest, String value) {
    if (value == null) {
      digest.update("-1:".getBytes(StandardCharsets.UTF_8)); // no string has length -1
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
    digest.update((byte) ':');
    digest.update(bytes);
  }
}
