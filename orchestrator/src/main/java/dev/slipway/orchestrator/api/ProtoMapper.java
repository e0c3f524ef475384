package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.deployments.DeploymentHistory;
import dev.slipway.orchestrator.deployments.StoredDeployment;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.gates.ApprovalRow;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.quarantine.QuarantinedVersionRow;
import dev.slipway.orchestrator.targets.StoredTarget;
import dev.slipway.proto.v1.Approval;
import dev.slipway.proto.v1.PhaseEvidence;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseRecord;
import dev.slipway.proto.v1.QuarantinedVersion;
import dev.slipway.proto.v1.Target;
import dev.slipway.proto.v1.TargetRef;
import java.util.List;

/** Stored deployments and targets to API messages. */
final class ProtoMapper {
  private ProtoMapper() {}

  /** What a list shows of a deployment: no pinned spec, no phases. */
  static dev.slipway.proto.v1.Deployment summary(StoredDeployment stored) {
    return deployment(new DeploymentHistory.Detail(stored, List.of(), List.of(), 0)).toBuilder()
        .clearSpec()
        .build();
  }

  static dev.slipway.proto.v1.Deployment deployment(DeploymentHistory.Detail detail) {
    StoredDeployment stored = detail.deployment();
    List<DeploymentHistory.PhaseRow> phases = detail.phases();
    Deployment d = stored.deployment();
    var message =
        dev.slipway.proto.v1.Deployment.newBuilder()
            .setId(d.id().toString())
            .setTarget(TargetRef.newBuilder().setApp(d.app()).setEnvironment(d.environment()))
            .setKind(EventCodec.kind(d.kind()))
            .setVersion(d.version())
            .setPreviousVersion(d.previousVersion())
            .setStatus(EventCodec.status(d.status()))
            .setAttempt(d.attempt())
            .setReason(d.reason())
            .setRequestedBy(d.requestedBy())
            .setCreatedAt(EventCodec.timestamp(stored.createdAt()))
            .setUpdatedAt(EventCodec.timestamp(stored.updatedAt()))
            .setLastSequence(d.lastSequence())
            .setSpec(stored.spec())
            .setTargetRevision(d.targetRevision())
            .setForceReason(stored.forceReason())
            .setFreezeOverrideReason(d.freezeOverrideReason())
            .setSlot(d.releaseSlot())
            .setSwitched(d.switched())
            .setStep(d.step())
            .setWeight(d.weight())
            .addAllInstances(d.wave())
            .setApprovalsRequired(d.plan().approvals())
            .setQueuePosition(detail.queuePosition());
    stored.restoreSet().ifPresent(set -> message.setRestoreSetId(set.toString()));
    for (ApprovalRow approval : detail.approvals()) {
      message.addApprovals(
          Approval.newBuilder()
              .setBy(approval.key().approver())
              .setComment(approval.comment())
              .setAt(EventCodec.timestamp(approval.approvedAt())));
    }
    if (d.deadline() != null) {
      message.setPhaseDeadline(EventCodec.timestamp(d.deadline()));
    }
    if (stored.finishedAt() != null) {
      message.setFinishedAt(EventCodec.timestamp(stored.finishedAt()));
    }
    for (DeploymentHistory.PhaseRow row : phases) {
      var phase =
          PhaseRecord.newBuilder()
              .setPhase(EventCodec.phase(Phase.valueOf(row.phase())))
              .setAttempt(row.attempt())
              .setStep(row.step())
              .setOutcome(PhaseOutcome.valueOf("PHASE_OUTCOME_" + row.outcome()))
              .setSummary(row.summary())
              .setStartedAt(EventCodec.timestamp(row.startedAt()))
              .addAllLog(row.logTail())
              .setLogLines(row.logLines());
      row.evidence()
          .forEach(
              e ->
                  phase.addEvidence(
                      PhaseEvidence.newBuilder()
                          .setName(e.name())
                          .setPassed(e.passed())
                          .setDetail(e.detail())));
      if (row.finishedAt() != null) {
        phase.setFinishedAt(EventCodec.timestamp(row.finishedAt()));
      }
      message.addPhases(phase);
    }
    return message.build();
  }

  static QuarantinedVersion quarantined(QuarantinedVersionRow row) {
    var message =
        QuarantinedVersion.newBuilder()
            .setTarget(
                TargetRef.newBuilder()
                    .setApp(row.key().app())
                    .setEnvironment(row.key().environment()))
            .setVersion(row.key().version())
            .setDeploymentId(row.deploymentId().toString())
            .setReason(row.reason())
            .setQuarantinedAt(EventCodec.timestamp(row.quarantinedAt()));
    if (row.released()) {
      message
          .setReleasedAt(EventCodec.timestamp(row.releasedAt()))
          .setReleasedBy(row.releasedBy())
          .setReleaseReason(row.releaseReason());
    }
    return message.build();
  }

  static Target target(StoredTarget stored) {
    Target.Builder target =
        Target.newBuilder()
            .setSpec(stored.spec())
            .setRevision(stored.revision())
            .setUpdatedAt(EventCodec.timestamp(stored.updatedAt()))
            .setCurrentVersion(stored.currentVersion())
            .setLastDeploymentId(stored.lastDeploymentId())
            .setCurrentDeployedBy(stored.currentDeployedBy());
    if (stored.currentSince() != null) {
      target.setCurrentSince(EventCodec.timestamp(stored.currentSince()));
    }
    stored.lastDeployment().ifPresent(target::setLastDeployment);
    stored.currentHealth().ifPresent(target::setCurrentHealth);
    target.setCurrentSlot(stored.currentSlot());
    return target.build();
  }
}
