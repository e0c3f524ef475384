package dev.slipway.orchestrator.secrets;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SecretRepository extends CrudRepository<SecretRow, String> {

  /** The secrets users manage; Slipway's own keys (names with a colon) are left out. */
  @Query("select * from secrets where position(':' in name) = 0 order by name")
  List<SecretRow> listNamed();

  @Query(
      """
      insert into secrets (name, ciphertext, version, updated_at, updated_by)
      values (:name, :ciphertext, 1, :updatedAt, :updatedBy)
      on conflict (name) do update set ciphertext = excluded.ciphertext, version = secrets.version + 1,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by""")
  void upsert(String name, byte[] ciphertext, Instant updatedAt, String updatedBy);

  @Query(
      """
      insert into secrets (name, ciphertext, version, updated_at, updated_by)
      values (:name, :ciphertext, 1, :updatedAt, :updatedBy) on conflict (name) do nothing""")
  void insertIfAbsent(String name, byte[] ciphertext, Instant updatedAt, String updatedBy);

  /** Replaces the ciphertext of an unchanged value; 0 when it was set again meanwhile. */
  @Query("update secrets set ciphertext = :ciphertext where name = :name and version = :version")
  long reencrypt(String name, byte[] ciphertext, long version);
}
