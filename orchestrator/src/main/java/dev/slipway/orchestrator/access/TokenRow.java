package dev.slipway.orchestrator.access;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code tokens}: a keyed hash of the secret, never the secret. Scopes space-separated.
 */
@MappedEntity("tokens")
public record TokenRow(
    @Id UUID id,
    String name,
    byte[] hash,
    String scopes,
    String createdBy,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt) {}
