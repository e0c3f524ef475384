package dev.slipway.health.probes;

import dev.slipway.health.domain.CheckOutcome;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code check_results}: one check in one round of one phase attempt, and what it saw. */
@MappedEntity("check_results")
public record CheckResultRow(
    @Id @GeneratedValue @Nullable Long id,
    UUID deploymentId,
    String phase,
    int attempt,
    int round,
    String checkName,
    boolean passed,
    CheckOutcome outcome,
    String detail,
    int latencyMs,
    boolean counted,
    Instant checkedAt,
    int step) {}
