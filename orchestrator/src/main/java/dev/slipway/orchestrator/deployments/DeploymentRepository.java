package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentEvent;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.orchestrator.targets.TargetDocuments;
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
import java.util.UUID;

/** Rows of {@code deployments} and {@code phases}. */
@Singleton
public class DeploymentRepository {
  static final String ACTIVE =
      "status not in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED')";
  private static final String COLUMNS =
      "id, app, environment, kind, version, previous_version, requested_by, target_revision, spec_json,"
          + " status, attempt, deadline, reason, last_sequence, backup_taken, idempotency_key,"
          + " created_at, updated_at, finished_at";

  public void insert(
      Connection tx, Deployment d, TargetSpec spec, String idempotencyKey, Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into deployments ("
                + COLUMNS
                + ", runner_lease_until)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)")) {
      insert.setObject(1, d.id());
      insert.setString(2, d.app());
      insert.setString(3, d.environment());
      insert.setString(4, d.kind().name());
      insert.setString(5, d.version());
      insert.setString(6, d.previousVersion());
      insert.setString(7, d.requestedBy());
      insert.setLong(8, d.targetRevision());
      insert.setString(9, TargetDocuments.toJson(spec));
      insert.setString(10, d.status().name());
      insert.setInt(11, d.attempt());
      insert.setTimestamp(12, timestamp(d.deadline()));
      insert.setString(13, d.reason());
      insert.setLong(14, d.lastSequence());
      insert.setBoolean(15, d.backupTaken());
      insert.setString(16, idempotencyKey);
      insert.setTimestamp(17, Timestamp.from(now));
      insert.setTimestamp(18, Timestamp.from(now));
      insert.executeUpdate();
    }
  }

  /** Stores a new state; a local phase gets a runner lease until {@code leaseUntil}. */
  public void update(Connection tx, Deployment d, Instant now, Instant leaseUntil)
      throws SQLException {
    try (PreparedStatement update =
        tx.prepareStatement(
            "update deployments set status = ?, attempt = ?, deadline = ?, reason = ?, last_sequence = ?,"
                + " backup_taken = ?, updated_at = ?, finished_at = ?, runner_lease_until = ? where id = ?")) {
      update.setString(1, d.status().name());
      update.setInt(2, d.attempt());
      update.setTimestamp(3, timestamp(d.deadline()));
      update.setString(4, d.reason());
      update.setLong(5, d.lastSequence());
      update.setBoolean(6, d.backupTaken());
      update.setTimestamp(7, Timestamp.from(now));
      update.setTimestamp(8, d.status().terminal() ? Timestamp.from(now) : null);
      update.setTimestamp(9, timestamp(leaseUntil));
      update.setObject(10, d.id());
      update.executeUpdate();
    }
  }

  /** Locks the row; with {@code skipLocked} returns empty when another transaction holds it. */
  public Optional<StoredDeployment> lock(Connection tx, UUID id, boolean skipLocked)
      throws SQLException {
    return one(
        tx,
        "select "
            + COLUMNS
            + " from deployments where id = ? for update"
            + (skipLocked ? " skip locked" : ""),
        id);
  }

  public Optional<StoredDeployment> find(Connection c, UUID id) throws SQLException {
    return one(c, "select " + COLUMNS + " from deployments where id = ?", id);
  }

  public Optional<StoredDeployment> findByIdempotencyKey(Connection c, String key)
      throws SQLException {
    return one(c, "select " + COLUMNS + " from deployments where idempotency_key = ?", key);
  }

  public Optional<UUID> findActive(Connection c, String app, String environment)
      throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select id from deployments where app = ? and environment = ? and " + ACTIVE)) {
      select.setString(1, app);
      select.setString(2, environment);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  /** The newest version that succeeded on the target other than {@code except}. */
  public Optional<String> lastGoodVersionOtherThan(
      Connection c, String app, String environment, String except) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select version from deployments where app = ? and environment = ? and status = 'SUCCEEDED'"
                + " and version <> ? order by finished_at desc limit 1")) {
      select.setString(1, app);
      select.setString(2, environment);
      select.setString(3, except);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** Deployments whose current phase passed its deadline. */
  public List<UUID> pastDeadline(Connection c, Instant now) throws SQLException {
    return ids(
        c,
        "select id from deployments where deadline < ? and "
            + ACTIVE
            + " order by deadline limit 100",
        now);
  }

  /** Deployments in a local phase whose runner stopped renewing its lease. */
  public List<UUID> withExpiredRunnerLease(Connection c, Instant now) throws SQLException {
    return ids(
        c,
        "select id from deployments where status in ('DEPLOY', 'REVERT')"
            + " and (runner_lease_until is null or runner_lease_until < ?) limit 100",
        now);
  }

  /** Extends the runner lease while the same attempt still runs; false when it no longer does. */
  public boolean renewLease(Connection c, UUID id, int attempt, Status status, Instant until)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "update deployments set runner_lease_until = ? where id = ? and attempt = ? and status = ?")) {
      update.setTimestamp(1, Timestamp.from(until));
      update.setObject(2, id);
      update.setInt(3, attempt);
      update.setString(4, status.name());
      return update.executeUpdate() == 1;
    }
  }

  /** Records the session the attempt's command runs in, on which host. */
  public void recordRunner(Connection c, UUID id, int attempt, String host, long session)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "update deployments set runner_host = ?, runner_session = ? where id = ? and attempt = ?")) {
      update.setString(1, host);
      update.setLong(2, session);
      update.setObject(3, id);
      update.setInt(4, attempt);
      update.executeUpdate();
    }
  }

  /** The session an earlier attempt's command ran in, if one was recorded. */
  public Optional<RunnerSession> runner(Connection c, UUID id) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select runner_host, runner_session from deployments where id = ? and runner_session is not null")) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(new RunnerSession(row.getString(1), row.getLong(2)))
            : Optional.empty();
      }
    }
  }

  /** Where a command ran: a host (and boot) and the id of its session there. */
  public record RunnerSession(String host, long session) {}

  /** Keeps what the worker looked at beside the phase attempt it reported. */
  public void recordEvidence(Connection tx, UUID id, Input.StepResult result) throws SQLException {
    if (result.evidence().isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into phase_evidence (deployment_id, phase, attempt, position, name, passed, detail)"
                + " values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
      int position = 0;
      for (Input.Evidence evidence : result.evidence()) {
        insert.setObject(1, id);
        insert.setString(2, result.phase().name());
        insert.setInt(3, result.attempt());
        insert.setInt(4, position++);
        insert.setString(5, evidence.name());
        insert.setBoolean(6, evidence.passed());
        insert.setString(7, evidence.detail());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** The evidence of one phase attempt, in the order it was reported. */
  public List<Input.Evidence> evidence(Connection c, UUID id, String phase, int attempt)
      throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select name, passed, detail from phase_evidence"
                + " where deployment_id = ? and phase = ? and attempt = ? order by position")) {
      select.setObject(1, id);
      select.setString(2, phase);
      select.setInt(3, attempt);
      try (ResultSet rows = select.executeQuery()) {
        List<Input.Evidence> evidence = new ArrayList<>();
        while (rows.next()) {
          evidence.add(
              new Input.Evidence(rows.getString(1), rows.getBoolean(2), rows.getString(3)));
        }
        return evidence;
      }
    }
  }

  /** Keeps the phases table in step with the events of a transition. */
  public void recordPhases(Connection tx, UUID id, List<DeploymentEvent> events, Instant now)
      throws SQLException {
    for (DeploymentEvent event : events) {
      switch (event) {
        case DeploymentEvent.PhaseStarted started -> {
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "insert into phases (deployment_id, phase, attempt, outcome, summary, started_at)"
                      + " values (?, ?, ?, 'RUNNING', '', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, started.phase().name());
            insert.setInt(3, started.attempt());
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
          }
        }
        case DeploymentEvent.PhaseCompleted completed -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "update phases set outcome = ?, summary = ?, finished_at = ?"
                      + " where deployment_id = ? and phase = ? and attempt = ?")) {
            update.setString(1, completed.outcome().name());
            update.setString(2, completed.summary());
            update.setTimestamp(3, Timestamp.from(now));
            update.setObject(4, id);
            update.setString(5, completed.phase().name());
            update.setInt(6, completed.attempt());
            update.executeUpdate();
          }
        }
        case DeploymentEvent.Requested requested -> {}
        case DeploymentEvent.Finished finished -> {}
      }
    }
  }

  private static Optional<StoredDeployment> one(Connection c, String sql, Object key)
      throws SQLException {
    try (PreparedStatement select = c.prepareStatement(sql)) {
      select.setObject(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(map(rows)) : Optional.empty();
      }
    }
  }

  private static List<UUID> ids(Connection c, String sql, Instant now) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(sql)) {
      select.setTimestamp(1, Timestamp.from(now));
      try (ResultSet rows = select.executeQuery()) {
        List<UUID> ids = new ArrayList<>();
        while (rows.next()) {
          ids.add(rows.getObject(1, UUID.class));
        }
        return ids;
      }
    }
  }

  static StoredDeployment map(ResultSet row) throws SQLException {
    TargetSpec spec = TargetDocuments.fromJson(row.getString("spec_json"));
    String previous = row.getString("previous_version");
    Deployment d =
        new Deployment(
            row.getObject("id", UUID.class),
            row.getString("app"),
            row.getString("environment"),
            Kind.valueOf(row.getString("kind")),
            row.getString("version"),
            previous,
            row.getString("requested_by"),
            row.getLong("target_revision"),
            PlanFactory.plan(spec, previous),
            Status.valueOf(row.getString("status")),
            row.getInt("attempt"),
            instant(row.getTimestamp("deadline")),
            row.getString("reason"),
            row.getLong("last_sequence"),
            row.getBoolean("backup_taken"));
    return new StoredDeployment(
        d,
        spec,
        row.getString("idempotency_key"),
        instant(row.getTimestamp("created_at")),
        instant(row.getTimestamp("updated_at")),
        instant(row.getTimestamp("finished_at")));
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
