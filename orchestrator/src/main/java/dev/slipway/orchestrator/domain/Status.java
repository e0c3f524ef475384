package dev.slipway.orchestrator.domain;

import java.util.Optional;

/** Where a deployment stands. */
public enum Status {
  /** Accepted, no phase started yet. */
  REQUESTED(null, false, false),
  /** Waiting behind the target's active deployment; started in order when the target frees. */
  QUEUED(null, false, false),
  /** Waiting for approvals before anything runs. */
  AWAITING_APPROVAL(null, false, false),
  /** Waiting for a freeze window of its environment to end; the reason names it. */
  HELD(null, false, false),
  /** Pre-flight checks are running; nothing has changed. */
  PREFLIGHT(Phase.PREFLIGHT, false, false),
  /** The backup is being taken; nothing has changed. */
  BACKUP(Phase.BACKUP, false, false),
  /** The deploy command is running. */
  DEPLOY(Phase.DEPLOY, false, false),
  /** The new version is being checked. */
  VERIFY(Phase.VERIFY, false, false),
  /** Blue-green: traffic is being moved to the new slot. */
  SWITCH(Phase.SWITCH, false, false),
  /** Blue-green: the new slot is being checked with traffic on it. */
  VERIFY_LIVE(Phase.VERIFY_LIVE, false, false),
  /** Canary: traffic is being shifted to a step's weight. */
  WEIGHT(Phase.WEIGHT, false, false),
  /** Canary: a step's weight is analysed for its pause. */
  ANALYSIS(Phase.ANALYSIS, false, false),
  /**
   * Canary: a step's analysis saw no data and the noData policy is pause; a person promotes (next
   * step) or aborts (rollback).
   */
  PAUSED(null, false, false),
  /** The new version passed VERIFY and is watched for the bake time before it counts. */
  BAKE(Phase.BAKE, false, false),
  /** The new version runs and is healthy. */
  SUCCEEDED(null, true, true),
  /**
   * Ended without a rollback: failed before anything changed, or a phase could not run (the reason
   * says which, and whether the new version is in place).
   */
  FAILED(null, true, false),
  /** Cancelled before anything changed. */
  CANCELLED(null, true, false),
  /** Rolling back: the current state is being saved before the restore. */
  SNAPSHOT(Phase.SNAPSHOT, false, false),
  /** Rolling back: the pre-deploy backup is being restored. */
  RESTORE(Phase.RESTORE, false, false),
  /** Rolling back: the previous version is being put back. */
  REVERT(Phase.REVERT, false, false),
  /** Rolling back: the previous version is being checked. */
  VERIFY_ROLLBACK(Phase.VERIFY_ROLLBACK, false, false),
  /** The release failed and the previous version is back. */
  ROLLED_BACK(null, true, false),
  /** The rollback failed: a human is needed. */
  ROLLBACK_FAILED(null, true, false);

  private final Phase phase;
  private final boolean terminal;
  private final boolean successful;

  Status(Phase phase, boolean terminal, boolean successful) {
    this.phase = phase;
    this.terminal = terminal;
    this.successful = successful;
  }

  public boolean terminal() {
    return terminal;
  }

  public boolean successful() {
    return successful;
  }

  /** The phase running in this status, if any. */
  public Optional<Phase> phase() {
    return Optional.ofNullable(phase);
  }

  /** True while nothing on the target has been touched, so cancelling is safe. */
  public boolean cancellable() {
    return this == REQUESTED
        || this == QUEUED
        || this == AWAITING_APPROVAL
        || this == HELD
        || this == PREFLIGHT
        || this == BACKUP;
  }

  /** True when the deployment holds its target: it runs, or waits for approval or a freeze. */
  public boolean holdsTarget() {
    return !terminal && this != QUEUED;
  }

  public static Status running(Phase phase) {
    for (Status status : values()) {
      if (status.phase == phase) {
        return status;
      }
    }
    throw new IllegalArgumentException("no status for phase " + phase);
  }
}
