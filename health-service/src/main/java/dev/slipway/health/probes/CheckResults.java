package dev.slipway.health.probes;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** The {@code check_results} table: every observation, kept as health history. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface CheckResults extends CrudRepository<CheckResultRow, Long> {

  /** A deployment's rounds after row {@code afterId} in the order they ran; phase '' is any. */
  @Query(
      """
      select * from check_results
      where deployment_id = :deploymentId and id > :afterId and (:phase = '' or phase = :phase)
      order by id
      limit :limit
      """)
  List<CheckResultRow> page(UUID deploymentId, String phase, long afterId, int limit);
}
