package dev.slipway.platform.spec;

import dev.slipway.proto.v1.HealthSpec;
import java.time.Duration;

/**
 * A target's health settings with the documented defaults applied. The orchestrator sizes phase
 * deadlines from it and the health-service runs checks by it, so both read one definition.
 */
public record HealthSettings(
    Duration interval,
    Duration timeout,
    Duration startPeriod,
    int successThreshold,
    int failureThreshold,
    int errorLimit,
    Duration bake) {

  public static HealthSettings of(HealthSpec health) {
    return new HealthSettings(
        Durations.parse(health.getInterval(), Duration.ofSeconds(3)),
        Durations.parse(health.getTimeout(), Duration.ofSeconds(2)),
        Durations.parse(health.getStartPeriod(), Duration.ZERO),
        health.getSuccessThreshold() == 0 ? 1 : health.getSuccessThreshold(),
        health.getFailureThreshold() == 0 ? 3 : health.getFailureThreshold(),
        health.getErrorLimit() == 0 ? 3 : health.getErrorLimit(),
        Durations.parse(health.getBake(), Duration.ZERO));
  }

  /** How long a BAKE phase may take: the bake, a last round, and a margin. */
  public Duration longestBake() {
    return longestSpan(bake);
  }

  /**
   * How long rounds of checks for {@code span} (a bake, a canary step's pause) may take with the
   * report: the span, one more round, and a margin.
   */
  public Duration longestSpan(Duration span) {
    return span.plus(interval).plus(timeout).plus(Duration.ofMinutes(1));
  }

  /** The longest a verdict can take, plus a margin. */
  public Duration longestVerdict(boolean withStartPeriod) {
    Duration round = interval.plus(timeout);
    Duration start = withStartPeriod ? startPeriod : Duration.ZERO;
    return start
        .plus(round.multipliedBy(Math.max(successThreshold + failureThreshold, errorLimit)))
        .plus(Duration.ofMinutes(1));
  }
}
