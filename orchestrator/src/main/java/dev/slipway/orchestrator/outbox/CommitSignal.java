package dev.slipway.orchestrator.outbox;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import dev.slipway.platform.db.Transactions;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes waiters when any replica commits events: one connection LISTENs on the events channel and
 * bumps a counter on every notification. Waiters block on the counter with a timeout, so a lost
 * notification only costs the timeout, never an event.
 */
@Context
public class CommitSignal {
  private static final Logger LOG = LoggerFactory.getLogger(CommitSignal.class);
  private final DataSource dataSource;
  private final Object lock = new Object();
  private final Thread listener;
  private volatile boolean running = true;
  private long generation;

  public CommitSignal(Transactions transactions) {
    this.dataSource = transactions.dataSource();
    this.listener = Thread.ofPlatform().daemon().name("events-listener").start(this::listen);
  }

  /** The current generation; pass it to {@link #awaitAfter} to wait for the next commit. */
  public long generation() {
    synchronized (lock) {
      return generation;
    }
  }

  /** Waits until a commit after {@code seen}, or the timeout. */
  public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (generation == seen && running) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** A commit in this process; the NOTIFY will also arrive, this is just sooner. */
  public void bump() {
    synchronized (lock) {
      generation++;
      lock.notifyAll();
    }
  }

  private void listen() {
    while (running) {
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + EventLog.CHANNEL);
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          var notifications = pg.getNotifications(1000);
          if (notifications != null && notifications.length > 0) {
            bump();
          }
        }
      } catch (SQLException e) {
        if (running) {
          LOG.warn("events listener lost its connection, reconnecting: {}", e.getMessage());
          bump();
          sleepQuietly();
        }
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    bump();
    listener.interrupt();
  }
}
