package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.proto.v1.TargetSpec;
import java.time.Instant;

/** A deployment row: the state machine's view plus what the API shows about it. */
public record StoredDeployment(
    Deployment deployment,
    TargetSpec spec,
    String idempotencyKey,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {}
