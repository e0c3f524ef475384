package dev.slipway.backup.store;

import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Rows of {@code backup_sets}, {@code backup_artifacts} and {@code restores}. */
@Singleton
public class BackupRepository {
  private final Transactions transactions;
  private final Clock clock;

  public BackupRepository(Transactions transactions, Clock clock) {
    this.transactions = transactions;
    this.clock = clock;
  }

  /** One stored artifact of a set. */
  public record Artifact(int itemIndex, String type, String source, String path, long size, String sha256) {}

  public void startSet(UUID setId, UUID deploymentId, String app, String environment, String kind) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement insert = tx.prepareStatement(
          "insert into backup_sets (id, deployment_id, app, environment, kind, status, summary, created_at)"
              + " values (?, ?, ?, ?, ?, 'RUNNING', '', ?)")) {
        insert.setObject(1, setId);
        insert.setObject(2, deploymentId);
        insert.setString(3, app);
        insert.setString(4, environment);
        insert.setString(5, kind);
        insert.setTimestamp(6, Timestamp.from(clock.instant()));
        return insert.executeUpdate();
      }
    });
  }

  public void addArtifact(UUID setId, Artifact artifact) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement insert = tx.prepareStatement(
          "insert into backup_artifacts (set_id, item_index, type, source, path, size_bytes, sha256)"
              + " values (?, ?, ?, ?, ?, ?, ?)")) {
        insert.setObject(1, setId);
        insert.setInt(2, artifact.itemIndex());
        insert.setString(3, artifact.type());
        insert.setString(4, artifact.source());
        insert.setString(5, artifact.path());
        insert.setLong(6, artifact.size());
        insert.setString(7, artifact.sha256());
        return insert.executeUpdate();
      }
    });
  }

  /** COMPLETE, FAILED or DELETED, with what happened. */
  public void finishSet(UUID setId, String status, String summary) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement update = tx.prepareStatement(
          "update backup_sets set status = ?, summary = ?, completed_at = ?,"
              + " deleted_at = case when ? = 'DELETED' then ? else deleted_at end where id = ?")) {
        Timestamp now = Timestamp.from(clock.instant());
        update.setString(1, status);
        update.setString(2, summary);
        update.setTimestamp(3, now);
        update.setString(4, status);
        update.setTimestamp(5, now);
        update.setObject(6, setId);
        return update.executeUpdate();
      }
    });
  }

  /** The newest complete set of this kind taken for a deployment. */
  public Optional<UUID> completeSetOf(UUID deploymentId, String kind) {
    return transactions.read(c -> {
      try (PreparedStatement select = c.prepareStatement(
          "select id from backup_sets where deployment_id = ? and kind = ? and status = 'COMPLETE'"
              + " order by created_at desc limit 1")) {
        select.setObject(1, deploymentId);
        select.setString(2, kind);
        try (ResultSet row = select.executeQuery()) {
          return row.next() ? Optional.of(row.getObject(1, UUID.class)) : Optional.empty();
        }
      }
    });
  }

  /** Complete sets of a target and kind, newest first. */
  public List<UUID> completeSets(String app, String environment, String kind) {
    return transactions.read(c -> {
      try (PreparedStatement select = c.prepareStatement(
          "select id from backup_sets where app = ? and environment = ? and kind = ? and status = 'COMPLETE'"
              + " order by created_at desc")) {
        select.setString(1, app);
        select.setString(2, environment);
        select.setString(3, kind);
        List<UUID> ids = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getObject(1, UUID.class));
          }
        }
        return ids;
      }
    });
  }

  public List<Artifact> artifacts(UUID setId) {
    return transactions.read(c -> {
      try (PreparedStatement select = c.prepareStatement(
          "select item_index, type, source, path, size_bytes, sha256 from backup_artifacts"
              + " where set_id = ? order by item_index")) {
        select.setObject(1, setId);
        List<Artifact> artifacts = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            artifacts.add(new Artifact(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getLong(5), rows.getString(6)));
          }
        }
        return artifacts;
      }
    });
  }

  public void recordRestore(UUID deploymentId, UUID setId, String outcome, String summary) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement insert = tx.prepareStatement(
          "insert into restores (deployment_id, set_id, outcome, summary, started_at, finished_at)"
              + " values (?, ?, ?, ?, ?, ?)")) {
        Timestamp now = Timestamp.from(clock.instant());
        insert.setObject(1, deploymentId);
        insert.setObject(2, setId);
        insert.setString(3, outcome);
        insert.setString(4, summary);
        insert.setTimestamp(5, now);
        insert.setTimestamp(6, now);
        return insert.executeUpdate();
      }
    });
  }
}
