package dev.slipway.health.domain;

import java.time.Duration;
import java.util.List;

/**
 * Decides, round after round, whether a target is proven healthy or unhealthy: a round passes when
 * every check passes; {@code successThreshold} passing rounds in a row prove health, {@code
 * failureThreshold} failing rounds in a row prove failure, and failures during the start period do
 * not count (the new version may still be starting).
 */
public final class VerdictPolicy {
  /** Where the evidence stands after a round. */
  public enum Verdict {
    PENDING,
    HEALTHY,
    UNHEALTHY
  }

  private final int successThreshold;
  private final int failureThreshold;
  private final Duration startPeriod;
  private int successes;
  private int failures;

  public VerdictPolicy(int successThreshold, int failureThreshold, Duration startPeriod) {
    this.successThreshold = successThreshold;
    this.failureThreshold = failureThreshold;
    this.startPeriod = startPeriod;
  }

  /** True when a failure at {@code elapsed} counts against the target. */
  public boolean counts(boolean passed, Duration elapsed) {
    return passed || elapsed.compareTo(startPeriod) >= 0;
  }

  public Verdict afterRound(List<Observation> round, Duration elapsed) {
    boolean passed = round.stream().allMatch(Observation::passed);
    if (passed) {
      successes++;
      failures = 0;
    } else if (counts(false, elapsed)) {
      failures++;
      successes = 0;
    } else {
      successes = 0;
    }
    if (successes >= successThreshold) {
      return Verdict.HEALTHY;
    }
    return failures >= failureThreshold ? Verdict.UNHEALTHY : Verdict.PENDING;
  }

  public int consecutiveFailures() {
    return failures;
  }

  public int consecutiveSuccesses() {
    return successes;
  }
}
