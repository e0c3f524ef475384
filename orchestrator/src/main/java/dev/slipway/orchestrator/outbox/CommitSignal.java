package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes waiters when any replica commits events: one connection LISTENs on the events channel,
 * whose payload names the deployment. The relay waits for any commit; a watcher of one deployment
 * waits for commits of that deployment only, so a busy system does not wake every watcher. Waiters
 * block with a timeout, so a lost notification only costs the timeout, never an event. Locks, not
 * monitors: watchers are virtual threads. The feed sequencer's notification (payload {@value
 * #NUMBERED}) wakes only the readers of the numbered feed: the relay and the sequencer itself have
 * nothing to do for it, and the feed's readers nothing before it.
 */
@Context
public class CommitSignal {
  private static final Logger LOG = LoggerFactory.getLogger(CommitSignal.class);
  private final DataSource dataSource;
  private final ReentrantLock lock = new ReentrantLock();

  /** The payload of the sequencer's notification: events got their feed positions. */
  static final String NUMBERED = "numbered";

  private final Condition anyCommit = lock.newCondition();
  private final Condition feedNumbered = lock.newCondition();
  private final Map<UUID, Watch> watched = new HashMap<>();
  private final Thread listener;
  private volatile boolean running = true;
  private long generation;
  private long numbered;

  public CommitSignal(Transactions transactions) {
    this.dataSource = transactions.dataSource();
    this.listener = Thread.ofPlatform().daemon().name("events-listener").start(this::listen);
  }

  /** The current generation; pass it to {@link #awaitAfter} to wait for the next commit. */
  public long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a commit after {@code seen}, or the timeout. */
  public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
    awaitChange(anyCommit, () -> generation, seen, timeout);
  }

  private void awaitChange(Condition changed, LongSupplier current, long seen, Duration timeout)
      throws InterruptedException {
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (current.getAsLong() == seen && running && left > 0) {
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many times events got feed positions; pass it to {@link #awaitNumberedAfter}. */
  public long numbered() {
    lock.lock();
    try {
      return numbered;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until events get feed positions after {@code seen}, or the timeout. */
  public void awaitNumberedAfter(long seen, Duration timeout) throws InterruptedException {
    awaitChange(feedNumbered, () -> numbered, seen, timeout);
  }

  /** Events got feed positions in this process; the NOTIFY will also arrive, this is sooner. */
  void bumpNumbered() {
    lock.lock();
    try {
      numbered++;
      feedNumbered.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Commits of one deployment, for as long as the subscription is open. */
  public Subscription watch(UUID deploymentId) {
    lock.lock();
    try {
      Watch watch = watched.computeIfAbsent(deploymentId, id -> new Watch(lock.newCondition()));
      watch.watchers++;
      return new Subscription(deploymentId, watch);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A commit of {@code deploymentId} in this process; the NOTIFY will also arrive, this is just
   * sooner.
   */
  public void bump(UUID deploymentId) {
    lock.lock();
    try {
      generation++;
      anyCommit.signalAll();
      Watch watch = watched.get(deploymentId);
      if (watch != null) {
        watch.generation++;
        watch.changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Something may have been missed (the listener reconnected): everyone looks again. */
  private void bumpAll() {
    lock.lock();
    try {
      generation++;
      anyCommit.signalAll();
      numbered++;
      feedNumbered.signalAll();
      for (Watch watch : watched.values()) {
        watch.generation++;
        watch.changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private static final class Watch {
    final Condition changed;
    long generation;
    int watchers;

    Watch(Condition changed) {
      this.changed = changed;
    }
  }

  /** One watcher's view of one deployment's commits. */
  public final class Subscription implements AutoCloseable {
    private final UUID deploymentId;
    private final Watch watch;

    private Subscription(UUID deploymentId, Watch watch) {
      this.deploymentId = deploymentId;
      this.watch = watch;
    }

    public long generation() {
      lock.lock();
      try {
        return watch.generation;
      } finally {
        lock.unlock();
      }
    }

    /** Waits until the deployment commits after {@code seen}, or the timeout. */
    public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
      awaitChange(watch.changed, () -> watch.generation, seen, timeout);
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (--watch.watchers == 0) {
          watched.remove(deploymentId);
        }
      } finally {
        lock.unlock();
      }
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
          if (notifications != null) {
            for (var notification : notifications) {
              if (NUMBERED.equals(notification.getParameter())) {
                bumpNumbered();
              } else {
                bump(deploymentOf(notification.getParameter()));
              }
            }
          }
        }
      } catch (SQLException e) {
        if (running) {
          LOG.warn("events listener lost its connection, reconnecting: {}", e.getMessage());
          bumpAll();
          sleepQuietly();
        }
      }
    }
  }

  private static UUID deploymentOf(String payload) {
    try {
      return UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      return new UUID(0, 0);
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
    bumpAll();
    listener.interrupt();
  }
}
