package dev.slipway.orchestrator.access;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface TokenRepository extends CrudRepository<TokenRow, UUID> {
  Optional<TokenRow> findByHash(byte[] hash);

  Optional<TokenRow> findByNameAndRevokedAtIsNull(String name);

  List<TokenRow> listOrderByCreatedAtDesc();

  @Query(
      """
      select * from tokens where revoked_at is null and (expires_at is null or expires_at > :now)
      order by created_at desc""")
  List<TokenRow> listActive(Instant now);

  /** Marks a token used, at most once a minute, so that authenticating stays a read. */
  @Query(
      """
      update tokens set last_used_at = :now
      where id = :id and (last_used_at is null or last_used_at < cast(:now as timestamptz) - interval '1 minute')""")
  void touch(UUID id, Instant now);

  @Query("update tokens set revoked_at = :now where id = :id and revoked_at is null")
  long revoke(UUID id, Instant now);
}
