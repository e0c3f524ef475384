package dev.slipway.orchestrator.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The state of one deployment, as the state machine sees it.
 *
 * @param attempt attempt of the current phase (0 before the first phase)
 * @param deadline when the current phase fails; null when no phase runs
 * @param reason why it failed or is rolling back; empty otherwise
 * @param lastSequence sequence number of the last event emitted
 * @param backupTaken the pre-deploy backup succeeded, so a rollback can restore it
 */
public record Deployment(
    UUID id,
    String app,
    String environment,
    Kind kind,
    String version,
    String previousVersion,
    String requestedBy,
    long targetRevision,
    Plan plan,
    Status status,
    int attempt,
    Instant deadline,
    String reason,
    long lastSequence,
    boolean backupTaken) {

  /** A new deployment, before the machine starts it. */
  public static Deployment requested(
      UUID id,
      String app,
      String environment,
      Kind kind,
      String version,
      String previousVersion,
      String requestedBy,
      long targetRevision,
      Plan plan) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        Status.REQUESTED,
        0,
        null,
        "",
        0,
        false);
  }

  Deployment inPhase(Phase phase, int newAttempt, Instant newDeadline) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        Status.running(phase),
        newAttempt,
        newDeadline,
        reason,
        lastSequence,
        backupTaken);
  }

  Deployment finished(Status terminal, String why) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        terminal,
        attempt,
        null,
        why,
        lastSequence,
        backupTaken);
  }

  Deployment withReason(String why) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        status,
        attempt,
        deadline,
        why,
        lastSequence,
        backupTaken);
  }

  Deployment withBackupTaken() {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        status,
        attempt,
        deadline,
        reason,
        lastSequence,
        true);
  }

  Deployment withLastSequence(long sequence) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        status,
        attempt,
        deadline,
        reason,
        sequence,
        backupTaken);
  }
}
