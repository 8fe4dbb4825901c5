package com.catalogrender.catalog;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Deterministic object keys from a row: sanitised SKU plus input hash. A retried task writes the
 * same key, so a retry overwrites and never leaves a second copy; a key is one flat file name, so
 * no SKU can escape the image root.
 */
public final class ObjectKeys {
  private static final int MAX_SKU_CHARS = 80;

  private ObjectKeys() {}

  /**
   * Checks a SKU before it becomes part of a key: null, blank and path-traversal SKUs ({@code ..}
   * as a path segment) are rejected with a reason; slashes, spaces and unicode are sanitised by
   * {@link #imageKey}.
   */
  public static String rejectReason(String sku) {
    if (sku == null || sku.isBlank()) {
      return "sku is null or empty; every catalog row needs a SKU";
    }
    for (String segment : sku.split("[/\\\\]", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        return "sku '"
            + sku
            + "' contains a path-traversal segment ('..' or '.'); SKUs name image objects,"
            + " fix the SKU in the catalog";
      }
    }
    return null;
  }

  /** {@code <sanitised sku>-<input hash>.<extension>}: ASCII letters, digits, '-', '_', '.'. */
  public static String imageKey(String sku, String inputHash, String extension) {
    String ascii = Normalizer.normalize(sku, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
    StringBuilder out = new StringBuilder();
    for (char c : ascii.toCharArray()) {
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      out.append(safe ? c : '_');
      if (out.length() >= MAX_SKU_CHARS) {
        break;
      }
    }
    String name = out.toString().replaceAll("_+", "_");
    if (name.isEmpty() || name.equals("_")) {
      name = "sku";
    }
    return name + "-" + inputHash + "." + extension.toLowerCase(Locale.ROOT);
  }
}
