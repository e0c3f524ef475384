package dev.slipway.backup.store;

import dev.slipway.backup.domain.SetKind;
import dev.slipway.backup.domain.SetStatus;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Backup sets ({@code backup_sets}) with their artifacts ({@code backup_artifacts}). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface BackupRepository extends CrudRepository<BackupSetRow, UUID> {

  /** One stored artifact of a set: where it lies and the SHA-256 of its ciphertext. */
  @Introspected
  record Artifact(
      int itemIndex, String type, String source, String path, long size, String sha256) {}

  /** Ends a set: COMPLETE or FAILED, with what happened. */
  void update(@Id UUID id, SetStatus status, String summary, @Nullable Instant completedAt);

  @Query(
      "update backup_sets set status = 'DELETED', summary = :summary, deleted_at = :at where id = :id")
  void markDeleted(UUID id, String summary, Instant at);

  /** The newest set of this kind and status taken for a deployment. */
  Optional<BackupSetRow> findFirstByDeploymentIdAndKindAndStatusOrderByCreatedAtDesc(
      UUID deploymentId, SetKind kind, SetStatus status);

  /** Sets of a target, newest first. */
  List<BackupSetRow> findByAppAndEnvironmentAndKindAndStatusOrderByCreatedAtDesc(
      String app, String environment, SetKind kind, SetStatus status);

  @Query(
      """
      insert into backup_artifacts (set_id, item_index, type, source, path, size_bytes, sha256)
      values (:setId, :itemIndex, :type, :source, :path, :size, :sha256)""")
  void addArtifact(
      UUID setId, int itemIndex, String type, String source, String path, long size, String sha256);

  @Query(
      """
      select item_index, type, source, path, size_bytes as size, sha256 from backup_artifacts
      where set_id = :setId order by item_index""")
  List<Artifact> artifacts(UUID setId);

  /**
   * A target's sets older than ({@code beforeAt}, {@code beforeId}), newest first; kind '' is both.
   */
  @Query(
      """
      select * from backup_sets
      where app = :app and environment = :environment and (:kind = '' or kind = :kind)
        and (created_at, id) < (:beforeAt, :beforeId)
      order by created_at desc, id desc
      limit :limit""")
  List<BackupSetRow> page(
      String app, String environment, String kind, Instant beforeAt, UUID beforeId, int limit);

  /** How many artifacts a set has and their bytes. */
  @Introspected
  record SetSize(UUID setId, long bytes, int artifacts) {}

  /** The sizes of many sets in one query; a set without artifacts is missing. */
  @Query(
      """
      select set_id, sum(size_bytes) as bytes, count(*) as artifacts from backup_artifacts
      where set_id in (:setIds) group by set_id""")
  List<SetSize> sizes(Collection<UUID> setIds);

  /** A table of a database item as counted when its set was taken. */
  @Introspected
  record StoredTableStats(
      String tableName, long rowCount, boolean exact, long inserted, long updated, long deleted) {}

  @Query(
      """
      insert into backup_table_stats
        (set_id, item_index, table_name, row_count, exact, inserted, updated, deleted)
      values (:setId, :itemIndex, :tableName, :rowCount, :exact, :inserted, :updated, :deleted)""")
  void addTableStats(
      UUID setId,
      int itemIndex,
      String tableName,
      long rowCount,
      boolean exact,
      long inserted,
      long updated,
      long deleted);

  @Query(
      """
      select table_name, row_count, exact, inserted, updated, deleted from backup_table_stats
      where set_id = :setId and item_index = :itemIndex order by table_name""")
  List<StoredTableStats> tableStats(UUID setId, int itemIndex);
}
