package dev.slipway.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which health-service replica runs the standing watch: the one whose own database session holds an
 * advisory lock. {@link #holds} asks that session each time (the lock is gone with a dead or
 * terminated session), so a replica that lost it stops watching before it acts again. On close the
 * lock is released; if that fails the connection is aborted, never handed back to the pool with it.
 */
final class WatchLeadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchLeadership.class);
  private static final long LOCK_KEY = 0x5117_0a73L;
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(3);
  private final DataSource dataSource;
  private Connection session;
  private boolean held;

  WatchLeadership(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Whether this replica holds the lock now, taking it when it is free. */
  synchronized boolean holds() {
    try {
      if (session == null) {
        session = dataSource.getConnection();
        session.setAutoCommit(true);
        // A half-open connection fails the check within seconds rather than hanging it.
        session.setNetworkTimeout(Runnable::run, (int) TIMEOUT.toMillis());
      }
      if (held) {
        try (Statement alive = session.createStatement()) {
          alive.setQueryTimeout((int) TIMEOUT.toSeconds());
          alive.execute("select 1");
        }
        return true;
      }
      try (PreparedStatement lock = session.prepareStatement("select pg_try_advisory_lock(?)")) {
        lock.setQueryTimeout((int) TIMEOUT.toSeconds());
        lock.setLong(1, LOCK_KEY);
        try (ResultSet row = lock.executeQuery()) {
          held = row.next() && row.getBoolean(1);
        }
      }
      if (held) {
        LOG.info("standing watch: this replica leads it");
      }
      return held;
    } catch (SQLException e) {
      LOG.warn(
          "standing watch: its database session is lost, and with it the lead: {}", e.getMessage());
      abort();
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (session == null) {
      return;
    }
    try (PreparedStatement unlock = session.prepareStatement("select pg_advisory_unlock_all()")) {
      unlock.execute();
      session.close();
      session = null;
      held = false;
    } catch (SQLException e) {
      abort();
    }
  }

  private void abort() {
    held = false;
    if (session != null) {
      try {
        session.abort(Runnable::run);
      } catch (SQLException e) {
        LOG.debug("standing watch session did not abort cleanly: {}", e.getMessage());
      }
      session = null;
    }
  }
}
