package dev.slipway.notifier;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.UUID;

/**
 * New deliveries, written in the consumer's inbox transaction. Sending them is the {@link
 * Dispatcher}'s: a work queue claimed with {@code FOR UPDATE SKIP LOCKED ... RETURNING}, with its
 * attempts and retired endpoints, kept hand-written beside that claim.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeliveryRepository extends GenericRepository<DeliveryRow, UUID> {

  /** Stores a delivery unless this event already has one for this channel; returns rows written. */
  @Query(
      """
      insert into deliveries (id, event_id, channel, deployment_id, event_type, payload, status,
        attempts, next_attempt_at, last_error, created_at)
      values (:id, :eventId, :channel, :deploymentId, :eventType, :payload, :status, 0, :now, :lastError, :now)
      on conflict (event_id, channel) do nothing""")
  long insertIfAbsent(
      UUID id,
      UUID eventId,
      String channel,
      UUID deploymentId,
      String eventType,
      String payload,
      DeliveryStatus status,
      String lastError,
      Instant now);
}
