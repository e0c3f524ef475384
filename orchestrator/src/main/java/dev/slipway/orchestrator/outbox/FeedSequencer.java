package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.retry.Backoff;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives committed events their feed position, in id order. Every replica runs one; each pass is one
 * short transaction under a transaction-level advisory lock, so passes of all replicas follow one
 * another and positions become visible in increasing order only. A deployment's next event is
 * written only after its previous one committed, so id order keeps each deployment in sequence. A
 * pass that numbers anything notifies, which wakes the feeds of every replica (and nothing else).
 */
@Context
public class FeedSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(FeedSequencer.class);
  static final long LOCK_KEY = 0x5117_0a8L;
  static final int BATCH = 1000;
  private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
  private final Transactions transactions;
  private final CommitSignal signal;
  private final Thread thread;
  private volatile boolean running = true;

  public FeedSequencer(Transactions transactions, CommitSignal signal) {
    this.transactions = transactions;
    this.signal = signal;
    this.thread = Thread.ofPlatform().name("feed-sequencer").start(this::run);
  }

  private void run() {
    int failuresInARow = 0;
    while (running) {
      try {
        long seen = signal.generation();
        if (numberBatch() < BATCH) {
          // A lost notification costs this timeout, never an event.
          signal.awaitAfter(seen, Duration.ofSeconds(1));
        }
        failuresInARow = 0;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        Duration backoff = BACKOFF.delay(++failuresInARow);
        LOG.warn("feed sequencer failed, retrying in {}: {}", backoff, e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Numbers up to a batch of events; how many it numbered. */
  int numberBatch() {
    int numbered = transactions.inTransaction(FeedSequencer::number);
    if (numbered > 0) {
      signal.bumpNumbered();
    }
    return numbered;
  }

  private static int number(Connection c) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
      lock.setLong(1, LOCK_KEY);
      lock.execute();
    }
    List<Long> ids = new ArrayList<>();
    long last;
    try (PreparedStatement select =
        c.prepareStatement(
            "select id, (select coalesce(max(feed_position), 0) from events) from events"
                + " where feed_position is null order by id limit ?")) {
      select.setInt(1, BATCH);
      try (ResultSet rows = select.executeQuery()) {
        last = 0;
        while (rows.next()) {
          ids.add(rows.getLong(1));
          last = rows.getLong(2);
        }
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    try (PreparedStatement update =
        c.prepareStatement("update events set feed_position = ? where id = ?")) {
      for (long id : ids) {
        update.setLong(1, ++last);
        update.setLong(2, id);
        update.addBatch();
      }
      update.executeBatch();
    }
    try (PreparedStatement notify = c.prepareStatement("select pg_notify(?, ?)")) {
      notify.setString(1, EventLog.CHANNEL);
      notify.setString(2, CommitSignal.NUMBERED);
      notify.execute();
    }
    return ids.size();
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(5));
  }
}
