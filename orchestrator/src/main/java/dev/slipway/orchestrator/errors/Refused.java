package dev.slipway.orchestrator.errors;

/** The request is valid but not allowed in the current state (target busy, already finished). */
public final class Refused extends RuntimeException {
  public Refused(String message) {
    super(message);
  }
}
