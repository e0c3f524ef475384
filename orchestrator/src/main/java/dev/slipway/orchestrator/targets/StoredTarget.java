package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.proto.v1.DeploymentBrief;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.HealthVerdict;
import dev.slipway.proto.v1.TargetSpec;
import dev.slipway.proto.v1.WatchedHealth;
import java.time.Instant;
import java.util.Optional;

/**
 * A registered target as stored: its spec, revision, what runs there now and its newest deployment.
 */
public record StoredTarget(
    TargetSpec spec,
    long revision,
    Instant updatedAt,
    String currentVersion,
    Optional<DeploymentBrief> lastDeployment,
    Instant currentSince,
    String currentDeployedBy,
    Optional<WatchedHealth> currentHealth,
    String currentSlot) {

  /** Id of the newest deployment, empty if none. */
  public String lastDeploymentId() {
    return lastDeployment.map(DeploymentBrief::getId).orElse("");
  }

  static StoredTarget of(TargetRow.View row) {
    return new StoredTarget(
        TargetDocuments.fromJson(row.specJson()),
        row.revision(),
        row.updatedAt(),
        row.currentVersion() == null ? "" : row.currentVersion(),
        Optional.ofNullable(row.lastDeploymentId()).map(id -> brief(id.toString(), row)),
        row.currentSince(),
        row.currentDeployedBy() == null ? "" : row.currentDeployedBy(),
        Boolean.TRUE.equals(row.currentWatched())
            ? Optional.of(
                WatchedHealth.newBuilder()
                    .setVerdict(HealthVerdict.valueOf("HEALTH_VERDICT_" + row.currentHealth()))
                    .setSince(EventCodec.timestamp(row.currentHealthSince()))
                    .setSummary(row.currentHealthSummary())
                    .build())
            : Optional.empty(),
        row.currentSlot() == null ? "" : row.currentSlot());
  }

  private static DeploymentBrief brief(String id, TargetRow.View row) {
    return DeploymentBrief.newBuilder()
        .setId(id)
        .setVersion(row.lastVersion())
        .setStatus(DeploymentStatus.valueOf("DEPLOYMENT_STATUS_" + row.lastStatus()))
        .setRequestedBy(row.lastRequestedBy())
        .setCreatedAt(EventCodec.timestamp(row.lastCreatedAt()))
        .setReason(row.lastReason())
        .build();
  }
}
