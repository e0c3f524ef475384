package dev.slipway.orchestrator.access;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SessionRepository extends CrudRepository<SessionRow, UUID> {
  Optional<SessionRow> findByHash(byte[] hash);

  long deleteByHash(byte[] hash);

  /** Forgets up to 100 sessions that ended before {@code now}: a bounded delete per sign-in. */
  @Query(
      """
      delete from sessions where id in
        (select id from sessions where expires_at < :now order by expires_at limit 100)""")
  void purgeEnded(Instant now);
}
