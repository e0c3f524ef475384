package dev.slipway.orchestrator.targets;

import dev.slipway.proto.v1.TargetSpec;
import java.time.Instant;

/** A registered target as stored: its spec, revision and what runs there now. */
public record StoredTarget(
    TargetSpec spec,
    long revision,
    Instant updatedAt,
    String currentVersion,
    String lastDeploymentId,
    Instant currentSince,
    String currentDeployedBy) {

  static StoredTarget of(TargetRow.View row) {
    return new StoredTarget(
        TargetDocuments.fromJson(row.specJson()),
        row.revision(),
        row.updatedAt(),
        row.currentVersion() == null ? "" : row.currentVersion(),
        row.lastDeploymentId() == null ? "" : row.lastDeploymentId().toString(),
        row.currentSince(),
        row.currentDeployedBy() == null ? "" : row.currentDeployedBy());
  }
}
