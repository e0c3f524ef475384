package dev.slipway.orchestrator.domain;

import java.time.Instant;

/** What a transition tells the world; published in order on the deployment topic. */
public sealed interface DeploymentEvent {

  /** A deployment was accepted. */
  record Requested(
      String version, String previousVersion, Kind kind, String requestedBy, long targetRevision)
      implements DeploymentEvent {}

  /** A phase began; its worker acts on it. */
  record PhaseStarted(Phase phase, int attempt, Instant deadline) implements DeploymentEvent {}

  /** A phase ended. */
  record PhaseCompleted(Phase phase, int attempt, Outcome outcome, String summary)
      implements DeploymentEvent {}

  /** The deployment reached a terminal status. */
  record Finished(Status status, String reason) implements DeploymentEvent {}
}
