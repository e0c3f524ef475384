package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.proto.v1.TargetSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A deployment row: the state machine's view plus what the API shows about it. */
public record StoredDeployment(
    Deployment deployment,
    TargetSpec spec,
    String idempotencyKey,
    String forceReason,
    Optional<UUID> restoreSet,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    Optional<String> traceparent) {

  static StoredDeployment of(DeploymentRow row) {
    TargetSpec spec = TargetDocuments.fromJson(row.specJson());
    Deployment d =
        new Deployment(
            row.id(),
            row.app(),
            row.environment(),
            row.kind(),
            row.version(),
            row.previousVersion(),
            row.requestedBy(),
            row.targetRevision(),
            PlanFactory.plan(spec, row.previousVersion(), row.liveSlot()),
            row.status(),
            row.attempt(),
            row.deadline(),
            row.reason(),
            row.lastSequence(),
            row.backupTaken(),
            java.util.List.of(),
            row.freezeOverrideReason(),
            row.switched(),
            row.step());
    return new StoredDeployment(
        d,
        spec,
        row.idempotencyKey(),
        row.forceReason(),
        Optional.ofNullable(row.restoreSetId()),
        row.createdAt(),
        row.updatedAt(),
        row.finishedAt(),
        Optional.ofNullable(row.traceparent()));
  }
}
