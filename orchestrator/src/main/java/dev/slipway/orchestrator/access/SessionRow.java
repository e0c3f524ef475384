package dev.slipway.orchestrator.access;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code sessions}: a keyed hash of the cookie's secret and the token it stands for. */
@MappedEntity("sessions")
public record SessionRow(
    @Id UUID id, byte[] hash, UUID tokenId, Instant createdAt, Instant expiresAt) {}
