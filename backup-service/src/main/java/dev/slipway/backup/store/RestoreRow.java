package dev.slipway.backup.store;

import dev.slipway.backup.domain.RestoreOutcome;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code restores}: one restore of a set into what a deployment damaged. */
@MappedEntity("restores")
public record RestoreRow(
    @Id @GeneratedValue @Nullable Long id,
    UUID deploymentId,
    UUID setId,
    RestoreOutcome outcome,
    String summary,
    Instant startedAt,
    @Nullable Instant finishedAt) {}
