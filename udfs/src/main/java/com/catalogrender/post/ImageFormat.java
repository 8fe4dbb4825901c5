package com.catalogrender.post;

import java.util.Locale;

/** Output encodings. WebP comes from the webp-imageio plugin (libwebp bundled for linux-x86_64). */
public enum ImageFormat {
  PNG("png", "image/png"),
  JPEG("jpg", "image/jpeg"),
  WEBP("webp", "image/webp");

  private final String extension;
  private final String mimeType;

  ImageFormat(String extension, String mimeType) {
    this.extension = extension;
    this.mimeType = mimeType;
  }

  public String extension() {
    return extension;
  }

  public String mimeType() {
    return mimeType;
  }

  public static ImageFormat parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "png" -> PNG;
      case "jpg", "jpeg" -> JPEG;
      case "webp" -> WEBP;
      default ->
          throw new IllegalArgumentException(
              "Unknown image format '" + text + "'; use png, jpeg or webp");
    };
  }
}
