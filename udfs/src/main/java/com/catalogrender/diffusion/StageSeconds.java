package com.catalogrender.diffusion;

/**
 * Measured wall seconds of one batch per model stage, synchronised with the device.
 *
 * @param textEncoder tokenizing and running the text encoder
 * @param unet the whole sampling loop
 * @param vae decoding latents to pixels, including the copy to host memory
 */
public record StageSeconds(double textEncoder, double unet, double vae) {
  public double total() {
    return textEncoder + unet + vae;
  }
}
