package dev.slipway.backup.store;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RestoreRepository extends CrudRepository<RestoreRow, Long> {
  /** Every restore made from a set, oldest first. */
  List<RestoreRow> findBySetIdOrderById(UUID setId);
}
