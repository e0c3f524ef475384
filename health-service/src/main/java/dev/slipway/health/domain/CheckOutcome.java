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
  ERRORED,
  /**
   * The check ran and had nothing to judge (a command check exiting 3, for no traffic): neither
   * good nor bad; a canary step that saw only this follows its noData policy.
   */
  NO_DATA
}
