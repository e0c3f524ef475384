package dev.slipway.orchestrator.errors;

/** The named target or deployment does not exist. */
public final class NotFound extends RuntimeException {
  public NotFound(String message) {
    super(message);
  }
}
