package dev.slipway.orchestrator.targets;

import dev.slipway.proto.v1.TargetSpec;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows of the {@code targets} table. */
@Singleton
public class TargetRepository {
  private static final String SELECT =
      "select t.spec_json, t.revision, t.updated_at, t.current_version,"
          + " (select d.id from deployments d where d.app = t.app and d.environment = t.environment"
          + "  order by d.created_at desc, d.id desc limit 1) as last_deployment_id"
          + " from targets t";

  /** Inserts or replaces a target, bumping its revision. */
  public StoredTarget upsert(Connection tx, TargetSpec spec, Instant now) throws SQLException {
    try (PreparedStatement upsert =
        tx.prepareStatement(
            "insert into targets (app, environment, spec_json, revision, updated_at)"
                + " values (?, ?, ?, 1, ?)"
                + " on conflict (app, environment) do update"
                + " set spec_json = excluded.spec_json, revision = targets.revision + 1,"
                + " updated_at = excluded.updated_at")) {
      upsert.setString(1, spec.getApp());
      upsert.setString(2, spec.getEnvironment());
      upsert.setString(3, TargetDocuments.toJson(spec));
      upsert.setTimestamp(4, Timestamp.from(now));
      upsert.executeUpdate();
    }
    return find(tx, spec.getApp(), spec.getEnvironment()).orElseThrow();
  }

  public Optional<StoredTarget> find(Connection connection, String app, String environment)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(SELECT + " where t.app = ? and t.environment = ?")) {
      select.setString(1, app);
      select.setString(2, environment);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(map(rows)) : Optional.empty();
      }
    }
  }

  /** Up to {@code limit} targets after (app, environment), in that order: keyset paging on the primary key. */
  public List<StoredTarget> listAfter(Connection connection, String app, String environment, int limit)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        SELECT + " where (t.app, t.environment) > (?, ?) order by t.app, t.environment limit ?")) {
      select.setString(1, app);
      select.setString(2, environment);
      select.setInt(3, limit);
      try (ResultSet rows = select.executeQuery()) {
        List<StoredTarget> targets = new ArrayList<>();
        while (rows.next()) {
          targets.add(map(rows));
        }
        return targets;
      }
    }
  }

  /** Records the version that now runs on the target after a successful deployment. */
  public void setCurrentVersion(Connection tx, String app, String environment, String version)
      throws SQLException {
    try (PreparedStatement update =
        tx.prepareStatement(
            "update targets set current_version = ? where app = ? and environment = ?")) {
      update.setString(1, version);
      update.setString(2, app);
      update.setString(3, environment);
      update.executeUpdate();
    }
  }

  private static StoredTarget map(ResultSet row) throws SQLException {
    Object last = row.getObject("last_deployment_id");
    String current = row.getString("current_version");
    return new StoredTarget(
        TargetDocuments.fromJson(row.getString("spec_json")),
        row.getLong("revision"),
        row.getTimestamp("updated_at").toInstant(),
        current == null ? "" : current,
        last == null ? "" : last.toString());
  }
}
