package dev.slipway.orchestrator.watch;

import dev.slipway.orchestrator.ledger.LedgerRow;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The standing watch's view of the ledger: the open entry of each target whose pinned spec has a
 * watch, and its verdict. Called inside {@code Transactions} work.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface WatchRepository extends GenericRepository<LedgerRow, Long> {
  /** Statuses in which a deployment is under way on its target (it has started a phase). */
  String UNDER_WAY =
      " r.finished_at is null and r.status not in ('REQUESTED', 'QUEUED', 'AWAITING_APPROVAL', 'HELD')";

  /** One watched target: what runs, who put it there, and whether a deployment runs now. */
  @Introspected
  record Watched(
      long id,
      String app,
      String environment,
      String version,
      UUID deploymentId,
      String health,
      boolean paused,
      String slot) {}

  String WATCHED =
      """
      select l.id, l.app, l.environment, l.version, l.deployment_id, l.health,
        exists (select 1 from deployments r where r.app = l.app and r.environment = l.environment
          and """
          + UNDER_WAY
          + """
          ) as paused, l.slot
      from ledger l where l.until is null and l.watched""";

  /** Watched targets after (app, environment), in that order. */
  @Query(
      WATCHED
          + " and (l.app, l.environment) > (:app, :environment) order by l.app, l.environment"
          + " limit :limit")
  List<Watched> page(String app, String environment, int limit);

  @Query(WATCHED + " and l.app = :app and l.environment = :environment")
  Optional<Watched> one(String app, String environment);

  @Query(
      "select * from ledger where app = :app and environment = :environment and until is null"
          + " for update")
  Optional<LedgerRow> lockRunning(String app, String environment);

  @Query(
      "update ledger set health = :health, health_since = :since, health_summary = :summary"
          + " where id = :id")
  void updateHealth(long id, String health, Instant since, String summary);
}
