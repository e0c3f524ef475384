package dev.slipway.notifier;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code deliveries}: one notification of one event to one channel. */
@MappedEntity("deliveries")
public record DeliveryRow(
    @Id UUID id,
    UUID eventId,
    String channel,
    UUID deploymentId,
    String eventType,
    String payload,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    String lastError,
    Instant createdAt,
    @Nullable Instant deliveredAt) {}
