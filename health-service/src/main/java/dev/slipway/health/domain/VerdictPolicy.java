package dev.slipway.health.domain;

import java.time.Duration;
import java.util.List;

/**
 * Decides, round after round, whether a target is proven healthy or unhealthy, or whether its
 * checks cannot run. A round passes when every check passes and fails when any check failed; a
 * round whose only trouble is checks that could not run is errored; a check with no data to judge
 * (no traffic) spoils neither. {@code successThreshold} passing rounds in a row prove health,
 * {@code failureThreshold} failing rounds in a row prove failure, {@code errorLimit} errored rounds
 * in a row end the verification as could-not-run (it proves nothing about the release). Failures
 * and errors during the start period do not count (the new version may still be starting).
 */
public final class VerdictPolicy {
  /** Where the evidence stands after a round. */
  public enum Verdict {
    PENDING,
    HEALTHY,
    UNHEALTHY,
    /** The checks could not run {@code errorLimit} rounds in a row. */
    ERRORED
  }

  private final int successThreshold;
  private final int failureThreshold;
  private final int errorLimit;
  private final Duration startPeriod;
  private int successes;
  private int failures;
  private int errors;

  public VerdictPolicy(
      int successThreshold, int failureThreshold, int errorLimit, Duration startPeriod) {
    this.successThreshold = successThreshold;
    this.failureThreshold = failureThreshold;
    this.errorLimit = errorLimit;
    this.startPeriod = startPeriod;
  }

  /** True when a round that did not pass at {@code elapsed} counts against the target. */
  public boolean counts(boolean passed, Duration elapsed) {
    return passed || elapsed.compareTo(startPeriod) >= 0;
  }

  public Verdict afterRound(List<Observation> round, Duration elapsed) {
    boolean failed = round.stream().anyMatch(o -> o.outcome() == CheckOutcome.FAILED);
    boolean errored = round.stream().anyMatch(o -> o.outcome() == CheckOutcome.ERRORED);
    if (!failed && !errored) {
      successes++;
      failures = 0;
      errors = 0;
    } else {
      successes = 0;
      if (counts(false, elapsed)) {
        if (failed) {
          failures++;
          errors = 0;
        } else {
          errors++;
        }
      }
    }
    if (successes >= successThreshold) {
      return Verdict.HEALTHY;
    }
    if (failures >= failureThreshold) {
      return Verdict.UNHEALTHY;
    }
    return errors >= errorLimit ? Verdict.ERRORED : Verdict.PENDING;
  }

  public int consecutiveFailures() {
    return failures;
  }

  public int consecutiveErrors() {
    return errors;
  }

  public int consecutiveSuccesses() {
    return successes;
  }
}
