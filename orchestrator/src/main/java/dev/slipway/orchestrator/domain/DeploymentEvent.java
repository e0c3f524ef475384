package dev.slipway.orchestrator.domain;

import java.time.Instant;

/** What a transition tells the world; published in order on the deployment topic. */
public sealed interface DeploymentEvent {

  /** A deployment was accepted. */
  record Requested(
      String version, String previousVersion, Kind kind, String requestedBy, long targetRevision)
      implements DeploymentEvent {}

  /** The deployment waits behind another, at {@code position} in its target's queue (1: next). */
  record Queued(String behind, int position) implements DeploymentEvent {}

  /** The deployment waits for {@code required} approvals until {@code expiresAt}. */
  record ApprovalRequested(int required, Instant expiresAt) implements DeploymentEvent {}

  /** One identity approved; {@code approvals} of {@code required} are in. */
  record ApprovalGiven(String by, String comment, int approvals, int required)
      implements DeploymentEvent {}

  /** One identity rejected the release; it ends FAILED. */
  record ApprovalRejected(String by, String reason) implements DeploymentEvent {}

  /** The approval time ran out with {@code approvals} of {@code required}; it ends FAILED. */
  record ApprovalExpired(int approvals, int required) implements DeploymentEvent {}

  /** The deployment waits for a freeze window of its environment to end. */
  record Held(String window, String reason, Instant until) implements DeploymentEvent {}

  /** The deployment went past a freeze window in force, as its override allows. */
  record FreezeOverridden(String window, String reason, String by) implements DeploymentEvent {}

  /** A phase began; its worker acts on it. {@code step}: a canary's, 0 outside the steps. */
  record PhaseStarted(Phase phase, int attempt, Instant deadline, int step)
      implements DeploymentEvent {
    public PhaseStarted(Phase phase, int attempt, Instant deadline) {
      this(phase, attempt, deadline, 0);
    }
  }

  /** A phase ended. */
  record PhaseCompleted(Phase phase, int attempt, Outcome outcome, String summary, int step)
      implements DeploymentEvent {
    public PhaseCompleted(Phase phase, int attempt, Outcome outcome, String summary) {
      this(phase, attempt, outcome, summary, 0);
    }
  }

  /** A long phase's worker says how far it has come; nothing changes state. */
  record PhaseProgress(Phase phase, int attempt, String detail, long bytes, int step)
      implements DeploymentEvent {}

  /** Canary: the deployment waits at {@code step} for a person to promote or abort it. */
  record Paused(int step, int weight, String reason) implements DeploymentEvent {}

  /** Canary: a person promoted the deployment paused at {@code step}; the next step begins. */
  record Resumed(String by, int step) implements DeploymentEvent {}

  /** The deployment reached a terminal status. */
  record Finished(Status status, String reason) implements DeploymentEvent {}
}
