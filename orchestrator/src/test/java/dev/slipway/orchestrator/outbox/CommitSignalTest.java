package dev.slipway.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.db.Transactions;
import dev.slipway.testkit.TestInfrastructure;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Commits announced through a real PostgreSQL NOTIFY wake the watchers of that deployment only, and
 * events numbered wake the feeds only.
 */
class CommitSignalTest {
  private static Transactions transactions;
  private static CommitSignal signal;

  @BeforeAll
  static void start() throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(infrastructure.createDatabase("signal"));
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    transactions = new Transactions(dataSource);
    signal = new CommitSignal(transactions);
  }

  @AfterAll
  static void stop() {
    signal.stop();
  }

  @Test
  void aCommitWakesTheWatchersOfItsDeploymentAndNoOthers() throws Exception {
    UUID changed = UUID.randomUUID();
    UUID quiet = UUID.randomUUID();
    try (CommitSignal.Subscription a = signal.watch(changed);
        CommitSignal.Subscription b = signal.watch(quiet)) {
      long seenA = a.generation();
      long seenB = b.generation();
      long seenAny = signal.generation();

      // Notified until heard: the listener may still be connecting when the test begins.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                notify(changed);
                return a.generation() != seenA;
              });
      assertThat(signal.generation()).as("the relay hears every commit").isNotEqualTo(seenAny);
      long started = System.nanoTime();
      b.awaitAfter(seenB, Duration.ofMillis(500));
      assertThat(b.generation()).as("another deployment's watcher is not woken").isEqualTo(seenB);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }
  }

  @Test
  void eventsNumberedWakeTheFeedsOnlyAndACommitWakesNoFeed() throws Exception {
    UUID deployment = UUID.randomUUID();
    try (CommitSignal.Subscription watch = signal.watch(deployment)) {
      // Notified until heard, then once each: a repeated notification would blur what woke what.
      long first = watch.generation();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                notify(deployment);
                return watch.generation() != first;
              });
      // Quiet for a while: every notification sent so far has arrived.
      AtomicLong last = new AtomicLong(signal.generation());
      await()
          .atMost(Duration.ofSeconds(10))
          .during(Duration.ofMillis(500))
          .until(() -> last.getAndSet(signal.generation()) == last.get());

      long numbered = signal.numbered();
      long seen = watch.generation();
      notify(deployment);
      watch.awaitAfter(seen, Duration.ofSeconds(10));
      assertThat(watch.generation()).isNotEqualTo(seen);
      assertThat(signal.numbered())
          .as("a commit gives no positions: the feeds wait for the sequencer")
          .isEqualTo(numbered);

      long seenAny = signal.generation();
      notify(CommitSignal.NUMBERED);
      signal.awaitNumberedAfter(numbered, Duration.ofSeconds(10));
      assertThat(signal.numbered()).as("the feeds are woken").isNotEqualTo(numbered);
      assertThat(signal.generation())
          .as("the relay and the sequencer have nothing to do for positions given")
          .isEqualTo(seenAny);
    }
  }

  private static void notify(UUID deployment) {
    notify(deployment.toString());
  }

  private static void notify(String payload) {
    transactions.inTransaction(
        c -> {
          try (PreparedStatement notify = c.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, EventLog.CHANNEL);
            notify.setString(2, payload);
            return notify.execute();
          }
        });
  }
}
