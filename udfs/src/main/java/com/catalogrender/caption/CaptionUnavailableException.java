package com.catalogrender.caption;

/** The gateway gave no usable caption; the reason names what happened, never the API key. */
public final class CaptionUnavailableException extends Exception {
  private final int httpRequests;
  private final double seconds;

  public CaptionUnavailableException(String reason, int httpRequests, double seconds) {
    super(reason);
    this.httpRequests = httpRequests;
    this.seconds = seconds;
  }

  public int httpRequests() {
    return httpRequests;
  }

  public double seconds() {
    return seconds;
  }
}
