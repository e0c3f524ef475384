package dev.slipway.orchestrator.outbox;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentEvent;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.proto.v1.ApprovalExpired;
import dev.slipway.proto.v1.ApprovalGiven;
import dev.slipway.proto.v1.ApprovalRejected;
import dev.slipway.proto.v1.ApprovalRequested;
import dev.slipway.proto.v1.DeploymentFinished;
import dev.slipway.proto.v1.DeploymentHeld;
import dev.slipway.proto.v1.DeploymentKind;
import dev.slipway.proto.v1.DeploymentPaused;
import dev.slipway.proto.v1.DeploymentQueued;
import dev.slipway.proto.v1.DeploymentRequested;
import dev.slipway.proto.v1.DeploymentResumed;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.FreezeOverridden;
import dev.slipway.proto.v1.PhaseCompleted;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseProgress;
import dev.slipway.proto.v1.PhaseStarted;
import dev.slipway.proto.v1.TargetRef;
import java.time.Instant;
import java.util.UUID;

/** Domain events to the wire envelope {@code slipway.v1.DeploymentEvent}, and enum mappings. */
public final class EventCodec {
  private EventCodec() {}

  public static dev.slipway.proto.v1.DeploymentEvent encode(
      Deployment deployment, DeploymentEvent event, UUID eventId, long sequence, Instant time) {
    var envelope =
        dev.slipway.proto.v1.DeploymentEvent.newBuilder()
            .setEventId(eventId.toString())
            .setDeploymentId(deployment.id().toString())
            .setTarget(
                TargetRef.newBuilder()
                    .setApp(deployment.app())
                    .setEnvironment(deployment.environment()))
            .setSequence(sequence)
            .setTime(timestamp(time));
    switch (event) {
      case DeploymentEvent.Requested r ->
          envelope.setRequested(
              DeploymentRequested.newBuilder()
                  .setVersion(r.version())
                  .setPreviousVersion(r.previousVersion())
                  .setKind(kind(r.kind()))
                  .setRequestedBy(r.requestedBy())
                  .setTargetRevision(r.targetRevision())
                  .setSlot(deployment.releaseSlot()));
      case DeploymentEvent.PhaseStarted s ->
          envelope.setPhaseStarted(
              PhaseStarted.newBuilder()
                  .setPhase(phase(s.phase()))
                  .setAttempt(s.attempt())
                  .setDeadline(timestamp(s.deadline()))
                  .setSlot(deployment.slotFor(s.phase()))
                  .setStep(s.step())
                  .setWeight(deployment.weightAt(s.step()))
                  .addAllInstances(deployment.instancesFor(s.phase(), s.step())));
      case DeploymentEvent.PhaseCompleted c ->
          envelope.setPhaseCompleted(
              PhaseCompleted.newBuilder()
                  .setPhase(phase(c.phase()))
                  .setAttempt(c.attempt())
                  .setSucceeded(c.outcome() == Outcome.SUCCEEDED)
                  .setOutcome(outcome(c.outcome()))
                  .setSummary(c.summary())
                  .setStep(c.step()));
      case DeploymentEvent.PhaseProgress p ->
          envelope.setPhaseProgress(
              PhaseProgress.newBuilder()
                  .setPhase(phase(p.phase()))
                  .setAttempt(p.attempt())
                  .setDetail(p.detail())
                  .setBytes(p.bytes())
                  .setStep(p.step()));
      case DeploymentEvent.Paused p ->
          envelope.setPaused(
              DeploymentPaused.newBuilder()
                  .setStep(p.step())
                  .setWeight(p.weight())
                  .setReason(p.reason()));
      case DeploymentEvent.Resumed r ->
          envelope.setResumed(DeploymentResumed.newBuilder().setBy(r.by()).setStep(r.step()));
      case DeploymentEvent.Finished f ->
          envelope.setFinished(
              DeploymentFinished.newBuilder().setStatus(status(f.status())).setReason(f.reason()));
      case DeploymentEvent.Queued q ->
          envelope.setQueued(
              DeploymentQueued.newBuilder()
                  .setBehindDeploymentId(q.behind())
                  .setPosition(q.position()));
      case DeploymentEvent.ApprovalRequested a ->
          envelope.setApprovalRequested(
              ApprovalRequested.newBuilder()
                  .setRequired(a.required())
                  .setExpiresAt(timestamp(a.expiresAt())));
      case DeploymentEvent.ApprovalGiven a ->
          envelope.setApprovalGiven(
              ApprovalGiven.newBuilder()
                  .setBy(a.by())
                  .setComment(a.comment())
                  .setApprovals(a.approvals())
                  .setRequired(a.required()));
      case DeploymentEvent.ApprovalRejected a ->
          envelope.setApprovalRejected(
              ApprovalRejected.newBuilder().setBy(a.by()).setReason(a.reason()));
      case DeploymentEvent.ApprovalExpired a ->
          envelope.setApprovalExpired(
              ApprovalExpired.newBuilder().setApprovals(a.approvals()).setRequired(a.required()));
      case DeploymentEvent.Held h ->
          envelope.setHeld(
              DeploymentHeld.newBuilder()
                  .setWindow(h.window())
                  .setReason(h.reason())
                  .setUntil(timestamp(h.until())));
      case DeploymentEvent.FreezeOverridden f ->
          envelope.setFreezeOverridden(
              FreezeOverridden.newBuilder()
                  .setWindow(f.window())
                  .setReason(f.reason())
                  .setBy(f.by()));
    }
    return envelope.build();
  }

  public static dev.slipway.proto.v1.Phase phase(Phase phase) {
    return dev.slipway.proto.v1.Phase.valueOf("PHASE_" + phase.name());
  }

  public static Phase phase(dev.slipway.proto.v1.Phase phase) {
    if (phase == dev.slipway.proto.v1.Phase.PHASE_UNSPECIFIED
        || phase == dev.slipway.proto.v1.Phase.UNRECOGNIZED) {
      throw new IllegalArgumentException("phase is required");
    }
    return Phase.valueOf(phase.name().substring("PHASE_".length()));
  }

  public static PhaseOutcome outcome(Outcome outcome) {
    return PhaseOutcome.valueOf("PHASE_OUTCOME_" + outcome.name());
  }

  public static DeploymentStatus status(Status status) {
    return DeploymentStatus.valueOf("DEPLOYMENT_STATUS_" + status.name());
  }

  public static DeploymentKind kind(Kind kind) {
    return DeploymentKind.valueOf("DEPLOYMENT_KIND_" + kind.name());
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamps.fromMillis(instant.toEpochMilli());
  }
}
