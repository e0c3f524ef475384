package dev.slipway.orchestrator.ledger;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code ledger} table; written in the transaction of the phase that changed the target. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface LedgerRepository extends CrudRepository<LedgerRow, Long> {

  @Query("select * from ledger where app = :app and environment = :environment and until is null")
  Optional<LedgerRow> running(String app, String environment);

  @Query(
      "select (spec_json::jsonb -> 'watch') is not null from deployments where id = :deploymentId")
  boolean specHasWatch(UUID deploymentId);

  @Query(
      "update ledger set health = :health, health_since = :since, health_summary = :why where id = :id")
  void unverified(long id, String health, Instant since, String why);

  @Query(
      """
      update ledger set until = :until, left_how = :how, left_deployment_id = :deploymentId,
        left_reason = :reason
      where id = :id""")
  void close(long id, Instant until, String how, UUID deploymentId, String reason);

  /** Newest first from a cursor; one index range scan whatever the target's history. */
  @Query(
      """
      select * from ledger where app = :app and environment = :environment
        and (since, id) < (:since, :id)
      order by since desc, id desc limit :limit""")
  List<LedgerRow> page(String app, String environment, Instant since, long id, int limit);

  @Query(
      """
      select distinct version from ledger where app = :app and environment = :environment
        and version = :version""")
  Optional<String> ran(String app, String environment, String version);

  @Query(
      """
      select version from ledger where app = :app and environment = :environment
      group by version order by max(since) desc limit :limit""")
  List<String> versions(String app, String environment, int limit);
}
