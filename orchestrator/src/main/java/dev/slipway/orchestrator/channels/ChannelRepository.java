package dev.slipway.orchestrator.channels;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code channels} table. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ChannelRepository extends GenericRepository<ChannelRow, String> {

  /** Creates the channel at revision 1, or replaces it at the next revision. */
  @Query(
      """
      insert into channels (name, spec_json, revision, applied_by, applied_at)
      values (:name, :specJson, 1, :appliedBy, :appliedAt)
      on conflict (name) do update set spec_json = excluded.spec_json,
        revision = channels.revision + 1, applied_by = excluded.applied_by,
        applied_at = excluded.applied_at""")
  void upsert(String name, String specJson, String appliedBy, Instant appliedAt);

  @Query("select * from channels where name = :name")
  Optional<ChannelRow> find(String name);

  /** The first {@code limit} applied channels, by name. */
  @Query("select * from channels order by name limit :limit")
  List<ChannelRow> list(int limit);

  @Query("select count(*) from channels")
  long count();

  @Query("delete from channels where name = :name")
  long delete(String name);
}
