package dev.slipway.health.domain;

/** What one check saw once. */
public record Observation(String check, CheckOutcome outcome, String detail, long latencyMillis) {
  public boolean passed() {
    return outcome == CheckOutcome.PASSED;
  }
}
