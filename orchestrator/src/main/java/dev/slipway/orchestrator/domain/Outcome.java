package dev.slipway.orchestrator.domain;

/**
 * How one attempt of a phase ended. Only {@link #FAILED} says anything about the release itself.
 */
public enum Outcome {
  /**
   * The phase did what it had to: the checks passed, the backup was taken, the command exited 0.
   */
  SUCCEEDED,
  /** The phase ran and the release is bad: a check saw the app unhealthy, the command failed. */
  FAILED,
  /**
   * The phase could not run: Slipway's own component failed or never answered (a worker down, its
   * database or Kafka out). Proves nothing about the release, so it never starts a rollback.
   */
  ERRORED,
  /**
   * A canary's ANALYSIS ran its checks for the whole pause and they had nothing to judge (no
   * traffic): neither good nor bad; the target's noData policy decides.
   */
  NO_DATA
}
