package dev.slipway.orchestrator.gates;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code freeze_windows} table. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface FreezeWindowRepository
    extends GenericRepository<FreezeWindowRow, FreezeWindowRow.Key> {

  @Query(
      """
      insert into freeze_windows (environment, name, reason, cron, duration_seconds, zone,
        starts_at, ends_at, updated_by, updated_at)
      values (:environment, :name, :reason, :cron, :durationSeconds, :zone, :startsAt, :endsAt,
        :updatedBy, :updatedAt)
      on conflict (environment, name) do update set reason = excluded.reason,
        cron = excluded.cron, duration_seconds = excluded.duration_seconds, zone = excluded.zone,
        starts_at = excluded.starts_at, ends_at = excluded.ends_at,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at""")
  void upsert(
      String environment,
      String name,
      String reason,
      @Nullable String cron,
      @Nullable Long durationSeconds,
      @Nullable String zone,
      @Nullable Instant startsAt,
      @Nullable Instant endsAt,
      String updatedBy,
      Instant updatedAt);

  @Query("select * from freeze_windows where environment = :environment and name = :name")
  Optional<FreezeWindowRow> find(String environment, String name);

  @Query(
      """
      select * from freeze_windows where (:environment = '' or environment = :environment)
      order by environment, name limit 500""")
  List<FreezeWindowRow> list(String environment);

  @Query("delete from freeze_windows where environment = :environment and name = :name")
  long delete(String environment, String name);
}
