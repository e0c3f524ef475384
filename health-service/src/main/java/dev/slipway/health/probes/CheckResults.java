package dev.slipway.health.probes;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

/** The {@code check_results} table: every observation, kept as health history. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface CheckResults extends CrudRepository<CheckResultRow, Long> {}
