package dev.slipway.orchestrator.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own database session: it holds the advisory lock that elects the relay, and every
 * read and mark of the outbox goes through it, so nothing is marked by a relay whose session is
 * gone. On close the lock is released; if that fails, the connection is aborted rather than handed
 * back to the pool still holding it.
 */
final class OutboxSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxSession.class);
  static final long LOCK_KEY = 0x5117_0a7L;
  static final int BATCH = 500;

  /** Below Kafka's default 1 MiB record limit, leaving room for key and headers. */
  static final int MAX_PAYLOAD = 900 * 1024;

  /** One unpublished event, with the trace context it was written in (null: none). */
  record Row(long id, String targetKey, byte[] payload, String traceparent) {}

  private final Connection connection;
  private boolean locked;

  private OutboxSession(Connection connection) {
    this.connection = connection;
  }

  static OutboxSession open(DataSource dataSource) throws SQLException {
    Connection connection = dataSource.getConnection();
    connection.setAutoCommit(true);
    return new OutboxSession(connection);
  }

  boolean tryLock() throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
      lock.setLong(1, LOCK_KEY);
      try (ResultSet row = lock.executeQuery()) {
        locked = row.next() && row.getBoolean(1);
        return locked;
      }
    }
  }

  /** Fails unless this session still holds the lock (it is gone with a terminated backend). */
  void checkLockHeld() throws SQLException {
    try (PreparedStatement held =
        connection.prepareStatement(
            "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted"
                + " and ((classid::bigint << 32) | objid::bigint) = ?")) {
      held.setLong(1, LOCK_KEY);
      try (ResultSet row = held.executeQuery()) {
        if (!row.next() || row.getInt(1) == 0) {
          throw new SQLException("the relay's session no longer holds the outbox lock");
        }
      }
    }
  }

  List<Row> unpublished() throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "select id, target_key, payload, traceparent from events where published_at is null order by id limit "
                    + BATCH);
        ResultSet rows = select.executeQuery()) {
      List<Row> batch = new ArrayList<>();
      while (rows.next()) {
        batch.add(new Row(rows.getLong(1), rows.getString(2), rows.getBytes(3), rows.getString(4)));
      }
      return batch;
    }
  }

  /** Marks rows published; returns how many were not marked before. */
  int markPublished(List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return 0;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "update events set published_at = now() where id = any(?) and published_at is null")) {
      update.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
      return update.executeUpdate();
    }
  }

  /** Marks the events a predecessor published, found on the topic by their unique event ids. */
  int markPublishedEvents(List<UUID> eventIds) throws SQLException {
    if (eventIds.isEmpty()) {
      return 0;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "update events set published_at = now() where event_id = any(?)"
                + " and published_at is null")) {
      update.setArray(1, connection.createArrayOf("uuid", eventIds.toArray()));
      return update.executeUpdate();
    }
  }

  /** Takes a row out of the outbox for good, with the reason kept beside it. */
  void setAside(long id, String reason) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "update events set published_at = now(), publish_error = ? where id = ?")) {
      update.setString(1, reason);
      update.setLong(2, id);
      update.executeUpdate();
    }
  }

  @Override
  public void close() {
    try {
      if (locked) {
        try (PreparedStatement unlock =
            connection.prepareStatement("select pg_advisory_unlock(?)")) {
          unlock.setLong(1, LOCK_KEY);
          unlock.execute();
        }
      }
      connection.close();
    } catch (SQLException e) {
      LOG.warn(
          "cannot release the outbox lock; dropping the connection instead: {}", e.getMessage());
      try {
        connection.abort(Runnable::run);
      } catch (SQLException ignored) {
        // The session is gone either way, and the lock with it.
      }
    }
  }
}
