package dev.slipway.orchestrator.quarantine;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code quarantined_versions} table; written in the transaction of the rollback's end. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface QuarantineRepository
    extends GenericRepository<QuarantinedVersionRow, QuarantinedVersionRow.Key> {

  /** Quarantines a version again if it was released, naming the newest rollback of it. */
  @Query(
      """
      insert into quarantined_versions (app, environment, version, deployment_id, reason, quarantined_at)
      values (:app, :environment, :version, :deploymentId, :reason, :at)
      on conflict (app, environment, version) do update
      set deployment_id = excluded.deployment_id, reason = excluded.reason,
        quarantined_at = excluded.quarantined_at, released_at = null, released_by = null,
        release_reason = null""")
  void quarantine(
      String app, String environment, String version, UUID deploymentId, String reason, Instant at);

  @Query(
      """
      select * from quarantined_versions
      where app = :app and environment = :environment and version = :version""")
  Optional<QuarantinedVersionRow> find(String app, String environment, String version);

  @Query(
      """
      update quarantined_versions set released_at = :at, released_by = :by, release_reason = :reason
      where app = :app and environment = :environment and version = :version and released_at is null""")
  long release(
      String app, String environment, String version, String by, String reason, Instant at);

  @Query(
      """
      select * from quarantined_versions
      where (:app = '' or app = :app) and (:environment = '' or environment = :environment)
        and (:includeReleased or released_at is null)
      order by quarantined_at desc limit 500""")
  List<QuarantinedVersionRow> list(String app, String environment, boolean includeReleased);
}
