package dev.slipway.backup.store;

import dev.slipway.backup.domain.SetKind;
import dev.slipway.backup.domain.SetStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code backup_sets}: everything backed up for one deployment at one moment. */
@MappedEntity("backup_sets")
public record BackupSetRow(
    @Id UUID id,
    UUID deploymentId,
    String app,
    String environment,
    SetKind kind,
    SetStatus status,
    String summary,
    Instant createdAt,
    @Nullable Instant completedAt,
    @Nullable Instant deletedAt) {}
