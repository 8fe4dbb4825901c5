package com.catalogrender.diffusion;

/** A model directory that cannot be used: missing file, checksum mismatch, malformed manifest. */
public final class ModelArtifactException extends RuntimeException {
  public ModelArtifactException(String message) {
    super(message);
  }

  public ModelArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
