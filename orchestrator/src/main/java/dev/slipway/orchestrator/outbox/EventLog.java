package dev.slipway.orchestrator.outbox;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentEvent;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.tracing.Tracing;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The {@code events} table: every event of every deployment in sequence. Appending happens in the
 * transaction of the transition; rows not yet published are the outbox. A NOTIFY in the same
 * transaction wakes the relay and the watchers the moment it commits.
 */
@Singleton
public class EventLog {
  static final String CHANNEL = "slipway_events";
  private final Supplier<UUID> ids;

  public EventLog(Supplier<UUID> ids) {
    this.ids = ids;
  }

  /**
   * Appends the events of a transition that started from {@code before}, each in the deployment's
   * own trace: under the span it is written in when that span is of this trace (a report of its
   * job), else under the call that created the deployment (an approval or another deployment's work
   * is a trace of its own).
   */
  public void append(Connection tx, Deployment before, List<DeploymentEvent> events, Instant now)
      throws SQLException {
    String current = Tracing.currentTraceparent().orElse(null);
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into events (event_id, deployment_id, sequence, target_key, payload, created_at, traceparent)"
                + " select ?, ?, ?, ?, ?, ?, case when d.traceparent is null then ?::text"
                + " when split_part(d.traceparent, '-', 2) = split_part(?::text, '-', 2) then ?::text"
                + " else d.traceparent end from deployments d where d.id = ?")) {
      long sequence = before.lastSequence();
      for (DeploymentEvent event : events) {
        sequence++;
        UUID eventId = ids.get();
        insert.setObject(1, eventId);
        insert.setObject(2, before.id());
        insert.setLong(3, sequence);
        insert.setString(4, TargetKey.of(before.app(), before.environment()));
        insert.setBytes(5, EventCodec.encode(before, event, eventId, sequence, now).toByteArray());
        insert.setTimestamp(6, Timestamp.from(now));
        insert.setString(7, current);
        insert.setString(8, current);
        insert.setString(9, current);
        insert.setObject(10, before.id());
        insert.addBatch();
      }
      for (int inserted : insert.executeBatch()) {
        if (inserted != 1) {
          throw new SQLException("deployment " + before.id() + " is not stored: no event of it is");
        }
      }
    }
    notify(tx, before.id().toString());
  }

  /**
   * Appends a target event (one that belongs to no deployment: sequence 0) built by {@code
   * envelope} around a fresh event id, in the caller's trace if any.
   */
  public void appendTargetEvent(
      Connection tx,
      String app,
      String environment,
      java.util.function.Function<String, dev.slipway.proto.v1.DeploymentEvent> envelope,
      Instant now)
      throws SQLException {
    UUID eventId = ids.get();
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into events (event_id, deployment_id, sequence, target_key, payload, created_at, traceparent)"
                + " values (?, null, 0, ?, ?, ?, ?)")) {
      insert.setObject(1, eventId);
      insert.setString(2, TargetKey.of(app, environment));
      insert.setBytes(3, envelope.apply(eventId.toString()).toByteArray());
      insert.setTimestamp(4, Timestamp.from(now));
      insert.setString(5, Tracing.currentTraceparent().orElse(null));
      insert.executeUpdate();
    }
    notify(tx, TargetKey.of(app, environment));
  }

  private static void notify(Connection tx, String payload) throws SQLException {
    try (PreparedStatement notify = tx.prepareStatement("select pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, payload);
      notify.execute();
    }
  }

  /** Events of one deployment after {@code afterSequence}, oldest first. */
  public List<dev.slipway.proto.v1.DeploymentEvent> after(
      Connection c, UUID deploymentId, long afterSequence) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select payload from events where deployment_id = ? and sequence > ? order by sequence limit 1000")) {
      select.setObject(1, deploymentId);
      select.setLong(2, afterSequence);
      try (ResultSet rows = select.executeQuery()) {
        List<dev.slipway.proto.v1.DeploymentEvent> events = new ArrayList<>();
        while (rows.next()) {
          events.add(decode(rows.getBytes(1)));
        }
        return events;
      }
    }
  }

  static dev.slipway.proto.v1.DeploymentEvent decode(byte[] payload) {
    try {
      return dev.slipway.proto.v1.DeploymentEvent.parseFrom(payload);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored event does not decode", e);
    }
  }
}
