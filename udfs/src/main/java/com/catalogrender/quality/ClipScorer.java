package com.catalogrender.quality;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.catalogrender.diffusion.ComputeDevice;
import com.catalogrender.diffusion.ModelDirectory;
import com.catalogrender.diffusion.ModelManifest;
import com.catalogrender.diffusion.TorchScriptModule;
import com.catalogrender.diffusion.WordTokenizer;
import com.catalogrender.post.ImageResizer;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo model's CLIP-style pair of encoders, for quality scoring on the CPU: prompt-image cosine
 * similarity, and zero-shot attribute recognition (which category, colour, background the image
 * shows, chosen among the captions that differ from the prompt in that attribute only).
 */
public final class ClipScorer implements AutoCloseable {
  /** The scorer's image tower in a model directory; a model without it has no scorer. */
  public static final String IMAGE_FILE = "clip_image.pt";

  private final ModelManifest manifest;
  private final WordTokenizer tokenizer;
  private final TorchScriptModule image;
  private final TorchScriptModule text;

  private ClipScorer(
      ModelManifest manifest,
      WordTokenizer tokenizer,
      TorchScriptModule image,
      TorchScriptModule text) {
    this.manifest = manifest;
    this.tokenizer = tokenizer;
    this.image = image;
    this.text = text;
  }

  public static ClipScorer load(ModelDirectory directory) {
    TorchScriptModule image = TorchScriptModule.load(directory, "clip_image", ComputeDevice.CPU);
    try {
      return new ClipScorer(
          directory.manifest(),
          WordTokenizer.load(directory),
          image,
          TorchScriptModule.load(directory, "clip_text", ComputeDevice.CPU));
    } catch (RuntimeException e) {
      image.close();
      throw e;
    }
  }

  /** Cosine similarity between each image and its caption. */
  public double[] similarity(List<BufferedImage> images, List<String> captions) {
    if (images.size() != captions.size()) {
      throw new IllegalArgumentException(
          images.size() + " images but " + captions.size() + " captions");
    }
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      float[] imageEmbeddings = embedImages(manager, images).toFloatArray();
      float[] textEmbeddings = embedTexts(manager, captions).toFloatArray();
      int dim = imageEmbeddings.length / images.size();
      double[] out = new double[images.size()];
      for (int i = 0; i < out.length; i++) {
        double dot = 0;
        for (int d = 0; d < dim; d++) {
          dot += imageEmbeddings[i * dim + d] * textEmbeddings[i * dim + d];
        }
        out[i] = dot;
      }
      return out;
    }
  }

  /**
   * For each attribute of the combination (e.g. category), the value whose caption (all other
   * attributes as given) the image matches best.
   */
  public Map<String, String> recognise(BufferedImage picture, Map<String, String> combination) {
    Map<String, String> predicted = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      float[] embedding = embedImages(manager, List.of(picture)).toFloatArray();
      for (String attribute : combination.keySet()) {
        List<String> values = manifest.attributeValues(attribute);
        List<String> captions =
            values.stream()
                .map(
                    value -> {
                      Map<String, String> variant = new LinkedHashMap<>(combination);
                      variant.put(attribute, value);
                      return manifest.caption(variant);
                    })
                .toList();
        float[] texts = embedTexts(manager, captions).toFloatArray();
        int dim = embedding.length;
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < values.size(); v++) {
          double dot = 0;
          for (int d = 0; d < dim; d++) {
            dot += embedding[d] * texts[v * dim + d];
          }
          if (dot > bestScore) {
            bestScore = dot;
            best = v;
          }
        }
        predicted.put(attribute, values.get(best));
      }
    }
    return predicted;
  }

  private NDArray embedImages(NDManager manager, List<BufferedImage> images) {
    int size = manifest.imageSize();
    int plane = size * size;
    float[] data = new float[images.size() * 3 * plane];
    for (int i = 0; i < images.size(); i++) {
      BufferedImage picture = images.get(i);
      if (picture.getWidth() != size || picture.getHeight() != size) {
        picture = ImageResizer.resize(picture, size, size, 0);
      }
      for (int p = 0; p < plane; p++) {
        int rgb = picture.getRGB(p % size, p / size);
        int base = i * 3 * plane + p;
        data[base] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
        data[base + plane] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
        data[base + 2 * plane] = (rgb & 0xff) / 127.5f - 1f;
      }
    }
    NDArray input = manager.create(data, new Shape(images.size(), 3, size, size));
    return forward(image, input);
  }

  private NDArray embedTexts(NDManager manager, List<String> captions) {
    int length = tokenizer.length();
    long[] ids = new long[captions.size() * length];
    for (int i = 0; i < captions.size(); i++) {
      System.arraycopy(tokenizer.encode(captions.get(i)), 0, ids, i * length, length);
    }
    return forward(text, manager.create(ids, new Shape(captions.size(), length)));
  }

  private static NDArray forward(TorchScriptModule module, NDArray input) {
    return module.forward(new NDList(input)).get(0);
  }

  @Override
  public void close() {
    image.close();
    text.close();
  }
}
