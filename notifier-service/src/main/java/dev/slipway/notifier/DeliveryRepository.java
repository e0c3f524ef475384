package dev.slipway.notifier;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * New deliveries, written in the consumer's inbox transaction, and what {@code slipway deliveries}
 * reads. Sending them is the {@link Dispatcher}'s: a work queue claimed with {@code FOR UPDATE SKIP
 * LOCKED ... RETURNING}, with its attempts and retired endpoints, kept hand-written beside that
 * claim.
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

  /** One attempt of a delivery, as {@code delivery_attempts} keeps it. */
  @Introspected
  record Attempt(
      UUID deliveryId,
      int attempt,
      Instant at,
      @Nullable Integer httpStatus,
      boolean succeeded,
      String detail,
      int latencyMs) {}

  Optional<DeliveryRow> findById(UUID id);

  /**
   * Deliveries after ({@code afterAt}, {@code afterId}), oldest first: of one deployment (null:
   * every one) with one status ('' any).
   */
  @Query(
      """
      select * from deliveries
      where (cast(:deploymentId as uuid) is null or deployment_id = :deploymentId)
        and (:status = '' or status = :status)
        and (created_at, id) > (:afterAt, :afterId)
      order by created_at, id
      limit :limit""")
  List<DeliveryRow> page(
      @Nullable UUID deploymentId, String status, Instant afterAt, UUID afterId, int limit);

  /** The attempts of many deliveries in one query, each delivery's in order. */
  @Query(
      """
      select delivery_id, attempt, at, http_status, succeeded, detail, latency_ms
      from delivery_attempts where delivery_id in (:deliveryIds) order by delivery_id, attempt""")
  List<Attempt> attempts(Collection<UUID> deliveryIds);

  /** DEAD deliveries of one deployment, or of every one (null). */
  @Query(
      """
      select count(*) from deliveries
      where status = 'DEAD' and (cast(:deploymentId as uuid) is null or deployment_id = :deploymentId)""")
  long dead(@Nullable UUID deploymentId);

  /**
   * Makes a DEAD or FAILED delivery due now with its channel's whole schedule again; returns rows
   * changed (0: it is not DEAD or FAILED).
   */
  @Query(
      """
      update deliveries set status = 'PENDING', next_attempt_at = :now, retried_after = attempts
      where id = :id and status in ('DEAD', 'FAILED')""")
  long retry(UUID id, Instant now);
}
