package dev.slipway.orchestrator.ledger;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code ledger}: one stretch of time one version ran on one target, with the standing
 * watch's verdict of it ({@code health} a {@code HealthVerdict} name without its prefix).
 */
@MappedEntity("ledger")
public record LedgerRow(
    @Id @GeneratedValue @Nullable Long id,
    String app,
    String environment,
    String version,
    UUID deploymentId,
    String arrived,
    String deployedBy,
    Instant since,
    @Nullable Instant until,
    String leftHow,
    @Nullable UUID leftDeploymentId,
    String leftReason,
    String health,
    Instant healthSince,
    String healthSummary,
    boolean watched,
    String slot) {}
