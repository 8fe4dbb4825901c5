package com.catalogrender.diffusion;

/** A model directory that cannot be used: missing file, checksum mismatch, malformed manifest. */
public final class ModelArtifactException extends RuntimeException {
  public ModelArtifactException(String message) {
    super(message);
  }

  public ModelArtifactException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Throws when a model file's sha256 is not the one its manifest lists.
   *
   * @param file the file as the user knows it (a path or a location)
   * @param advice what to do about it
   */
  public static void checkSha256(String file, String actual, String expected, String advice) {
    if (!actual.equalsIgnoreCase(expected)) {
      throw new ModelArtifactException(
          "Model file "
              + file
              + " does not match its manifest: sha256 is "
              + actual
              + ", expected "
              + expected
              + ". "
              + advice);
    }
  }
}
