package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Status;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code deployments}: the state machine's view of a deployment, and its pinned spec. A
 * blue-green release's {@code liveSlot} is the one serving when it was planned (it deploys to the
 * other).
 */
@MappedEntity("deployments")
public record DeploymentRow(
    @Id UUID id,
    String app,
    String environment,
    Kind kind,
    String version,
    String previousVersion,
    String requestedBy,
    long targetRevision,
    String specJson,
    Status status,
    int attempt,
    @Nullable Instant deadline,
    String reason,
    long lastSequence,
    boolean backupTaken,
    String idempotencyKey,
    String forceReason,
    String freezeOverrideReason,
    @Nullable UUID restoreSetId,
    @Nullable Instant runnerLeaseUntil,
    @Nullable String runnerHost,
    @Nullable Long runnerSession,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant finishedAt,
    @Nullable String traceparent,
    String liveSlot,
    boolean switched,
    int step) {}
