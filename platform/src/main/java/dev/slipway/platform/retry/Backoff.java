package dev.slipway.platform.retry;

import java.time.Duration;

/**
 * Exponential backoff: the first delay, doubled after every failure up to a ceiling. The one
 * schedule the services use between tries of a call to their own infrastructure.
 */
public record Backoff(Duration first, Duration max) {
  public Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < first <= max, got " + first + " and " + max);
    }
  }

  /** The wait after the {@code failures}-th failure in a row (1 for the first). */
  public Duration delay(int failures) {
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    Duration delay = first.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
