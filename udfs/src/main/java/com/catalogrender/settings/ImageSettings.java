package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import com.catalogrender.post.ImageFormat;
import java.io.Serializable;
import java.util.Map;

/**
 * Where images go and how they are post-processed and encoded.
 *
 * @param root a directory or object store URI
 * @param format output encoding
 * @param quality JPEG/WebP quality in (0, 1]
 * @param sharpen unsharp-mask strength after upscaling (0 = none)
 * @param maxSide largest accepted width or height
 */
public record ImageSettings(
    String root, ImageFormat format, double quality, double sharpen, int maxSide)
    implements Serializable {
  public static final String IMAGES = "images";

  public static ImageSettings parse(Map<String, String> s) {
    return new ImageSettings(
        SettingValues.required(s, IMAGES),
        ImageFormat.parse(s.getOrDefault("image_format", "png")),
        SettingValues.decimal(s, "image_quality", "0.9", 0.01, 1),
        SettingValues.decimal(s, "sharpen", "0.35", 0, 2),
        SettingValues.integer(s, "max_side", "4096", 1, 16384));
  }
}
