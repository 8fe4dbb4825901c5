package com.catalogrender.post;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes an image as PNG ({@link PngEncoder}), JPEG (quality 0-1) or lossy WebP (quality 0-1). */
public final class ImageEncoder {
  private final ImageFormat format;
  private final float quality;

  public ImageEncoder(ImageFormat format, double quality) {
    if (!(quality > 0 && quality <= 1)) {
      throw new IllegalArgumentException("Image quality must be in (0, 1], got " + quality);
    }
    this.format = format;
    this.quality = (float) quality;
  }

  public ImageFormat format() {
    return format;
  }

  public byte[] encode(BufferedImage image) throws IOException {
    if (format == ImageFormat.PNG) {
      return PngEncoder.encode(image);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType(format.mimeType());
    if (!writers.hasNext()) {
      throw new IOException("No ImageIO writer for " + format.mimeType() + " on the classpath");
    }
    ImageWriter writer = writers.next();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      if (format == ImageFormat.WEBP) {
        param.setCompressionType(param.getCompressionTypes()[0]); // "Lossy"
      }
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
