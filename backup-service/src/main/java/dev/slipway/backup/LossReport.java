package dev.slipway.backup;

import dev.slipway.backup.domain.Item;
import dev.slipway.backup.domain.LossEstimate;
import dev.slipway.backup.domain.LossEstimate.TableLoss;
import dev.slipway.backup.domain.LossEstimate.TableStats;
import dev.slipway.backup.domain.SetKind;
import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.backup.store.DbPassword;
import dev.slipway.backup.store.PostgresTools;
import dev.slipway.proto.internal.v1.Evidence;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each database's tables when a set is taken, and before a restore says what it throws away:
 * the tables as the SNAPSHOT taken just before found them, against the backup restored.
 */
@Singleton
public class LossReport {
  private static final Logger LOG = LoggerFactory.getLogger(LossReport.class);
  private final BackupRepository repository;
  private final PostgresTools postgres;

  public LossReport(BackupRepository repository, PostgresTools postgres) {
    this.repository = repository;
    this.postgres = postgres;
  }

  /**
   * Counts the database's tables for the set; a count that cannot be taken only leaves the estimate
   * of a later restore without it, so it never fails the backup.
   */
  public void countTables(UUID setId, int itemIndex, Item.Postgres db, DbPassword password) {
    try {
      for (TableStats t : postgres.tableStats(db, password)) {
        repository.addTableStats(
            setId,
            itemIndex,
            t.table(),
            t.rows(),
            t.exact(),
            t.inserted(),
            t.updated(),
            t.deleted());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot count the tables of {} for set {}: {}", db.source(), setId, e.getMessage());
    }
  }

  /**
   * What restoring {@code backup}'s item {@code itemIndex} over the database loses, as evidence.
   */
  public Evidence estimate(UUID deploymentId, BackupSetRow backup, int itemIndex, Item item) {
    Optional<BackupSetRow> snapshot =
        repository.findFirstByDeploymentIdAndKindAndStatusOrderByCreatedAtDesc(
            deploymentId, SetKind.SNAPSHOT, SetStatus.COMPLETE);
    Evidence.Builder evidence = Evidence.newBuilder().setName("loss estimate").setPassed(true);
    if (snapshot.isEmpty()) {
      return evidence
          .setDetail(
              "restoring "
                  + item.source()
                  + ": no snapshot was taken first, so what is lost cannot be told")
          .build();
    }
    List<TableStats> before = stats(backup.id(), itemIndex);
    List<TableStats> after = stats(snapshot.get().id(), itemIndex);
    if (before.isEmpty() || after.isEmpty()) {
      // Sets taken before tables were counted, or a count that failed: no guess.
      return evidence
          .setDetail(
              "restoring "
                  + item.source()
                  + ": what is lost cannot be told (the tables were not counted when set "
                  + (before.isEmpty() ? backup.id() : snapshot.get().id())
                  + " was taken); the state before the restore is kept in snapshot "
                  + snapshot.get().id())
          .build();
    }
    List<TableLoss> losses = LossEstimate.of(before, after);
    return evidence
        .setDetail(
            LossEstimate.summary(
                item.source(), backup.createdAt(), losses, snapshot.get().id().toString()))
        .build();
  }

  private List<TableStats> stats(UUID setId, int itemIndex) {
    return repository.tableStats(setId, itemIndex).stream()
        .map(
            s ->
                new TableStats(
                    s.tableName(), s.rowCount(), s.exact(), s.inserted(), s.updated(), s.deleted()))
        .toList();
  }
}
