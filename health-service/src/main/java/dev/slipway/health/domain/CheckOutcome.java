package dev.slipway.health.domain;

/** What one run of one check says. */
public enum CheckOutcome {
  /** The app answered as expected. */
  PASSED,
  /** The check ran and the app is unhealthy: refused, timed out, wrong status or body. */
  FAILED,
  /**
   * The check could not run at all (its host does not resolve, a proxy refused it): it proves
   * nothing about the app, so it never counts as a failure.
   */
  ERRORED
}
