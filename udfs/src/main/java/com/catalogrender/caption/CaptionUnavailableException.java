package com.catalogrender.caption;

/**
 * The gateway gave no usable caption; the reason names what happened, never the API key. When the
 * gateway did answer (and bill tokens) with a caption that could not be used, {@link #answered()}
 * is that answer, so its cost is still charged.
 */
public final class CaptionUnavailableException extends Exception {
  private final int httpRequests;
  private final double seconds;
  private final transient Caption answered;
  private final boolean stoppedByBreaker;

  public CaptionUnavailableException(String reason, int httpRequests, double seconds) {
    this(reason, httpRequests, seconds, null, false);
  }

  public CaptionUnavailableException(
      String reason, int httpRequests, double seconds, Caption answered, boolean stoppedByBreaker) {
    super(reason);
    this.httpRequests = httpRequests;
    this.seconds = seconds;
    this.answered = answered;
    this.stoppedByBreaker = stoppedByBreaker;
  }

  public int httpRequests() {
    return httpRequests;
  }

  public double seconds() {
    return seconds;
  }

  /** The billed answer that was rejected, or null when none came back. */
  public Caption answered() {
    return answered;
  }

  /** Whether the circuit breaker stopped this prompt: not sent at all, or its retries cut short. */
  public boolean stoppedByBreaker() {
    return stoppedByBreaker;
  }
}
