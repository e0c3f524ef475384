package dev.slipway.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.DeploymentEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feed of every deployment's events on a real PostgreSQL, numbered by two sequencers. */
class EventFeedTest {
  private static javax.sql.DataSource dataSource;
  private static Transactions transactions;
  private static CommitSignal signal;
  private static final List<FeedSequencer> sequencers = new ArrayList<>();
  private static EventFeed feed;

  @BeforeAll
  static void start() throws Exception {
    transactions = OrchestratorFixtures.migratedDatabase("feed");
    dataSource = transactions.dataSource();
    signal = new CommitSignal(transactions);
    sequencers.add(new FeedSequencer(transactions, signal));
    sequencers.add(new FeedSequencer(transactions, signal));
    feed = new EventFeed(transactions);
  }

  @AfterAll
  static void stop() throws Exception {
    for (FeedSequencer sequencer : sequencers) {
      sequencer.stop();
    }
    signal.stop();
  }

  @Test
  void aDeploymentsEventsComeInSequenceEvenWhenTheLaterOneWasWrittenByAnOlderTransaction()
      throws Exception {
    long start = feed.now();
    UUID a = deployment();
    UUID other = deployment();
    try (Connection older = dataSource.getConnection()) {
      older.setAutoCommit(false);
      // The older transaction takes its id first, then waits while a newer one appends and commits.
      append(older, other, 1);
      try (Connection newer = dataSource.getConnection()) {
        append(newer, a, 1);
      }
      List<EventFeed.Entry> first = awaitEntries(start, 1);
      assertThat(first).extracting(e -> e.event().getDeploymentId()).containsExactly(a.toString());
      append(older, a, 2);
      older.commit();
    }
    List<EventFeed.Entry> all = awaitEntries(start, 3);
    assertThat(all)
        .extracting(e -> e.event().getDeploymentId() + "#" + e.event().getSequence())
        .containsExactly(a + "#1", other + "#1", a + "#2");
    assertThat(all).extracting(EventFeed.Entry::position).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void anOpenTransactionHoldsBackNothingButItsOwnEvents() throws Exception {
    long start = feed.now();
    UUID held = deployment();
    UUID free = deployment();
    try (Connection open = dataSource.getConnection()) {
      open.setAutoCommit(false);
      append(open, held, 1);
      try (Connection c = dataSource.getConnection()) {
        append(c, free, 1);
        append(c, free, 2);
      }
      assertThat(awaitEntries(start, 2))
          .extracting(e -> e.event().getDeploymentId())
          .containsOnly(free.toString());
      open.commit();
    }
    assertThat(awaitEntries(start, 3).getLast().event().getDeploymentId())
        .isEqualTo(held.toString());
  }

  @Test
  void aReaderTailingWhileManyWritersCommitGetsEveryEventOnceAndEachDeploymentInSequence()
      throws Exception {
    long start = feed.now();
    int deployments = 8;
    int perDeployment = 40;
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < deployments; i++) {
      ids.add(deployment());
    }
    List<EventFeed.Entry> read = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> reader =
          threads.submit(
              (Callable<Void>)
                  () -> {
                    long position = start;
                    while (read.size() < deployments * perDeployment) {
                      List<EventFeed.Entry> batch = feed.after(position, 7);
                      read.addAll(batch);
                      position = batch.isEmpty() ? position : batch.getLast().position();
                    }
                    return null;
                  });
      List<Future<?>> writers = new ArrayList<>();
      for (UUID id : ids) {
        writers.add(
            threads.submit(
                (Callable<Void>)
                    () -> {
                      for (int s = 1; s <= perDeployment; s++) {
                        try (Connection c = dataSource.getConnection()) {
                          append(c, id, s);
                        }
                      }
                      return null;
                    }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
      reader.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(read).hasSize(deployments * perDeployment);
    assertThat(read)
        .extracting(EventFeed.Entry::position)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(start + 1, start + read.size())
                .boxed()
                .toList());
    Map<String, List<Long>> sequences = new HashMap<>();
    read.forEach(
        e ->
            sequences
                .computeIfAbsent(e.event().getDeploymentId(), k -> new ArrayList<>())
                .add(e.event().getSequence()));
    assertThat(sequences).hasSize(deployments);
    sequences
        .values()
        .forEach(
            s ->
                assertThat(s)
                    .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, perDeployment)
                            .boxed()
                            .toList()));
  }

  @Test
  void positionsAreReadOnlyAsTheDigitsOfOne() {
    assertThat(EventFeed.position(" 42 ")).contains(42L);
    assertThat(EventFeed.position("1.2")).isEmpty();
    assertThat(EventFeed.position("-1")).isEmpty();
    assertThat(EventFeed.position("1234567890123456789")).isEmpty();
    assertThat(EventFeed.position(null)).isEmpty();
  }

  private static List<EventFeed.Entry> awaitEntries(long after, int count) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> feed.after(after, 100), entries -> entries.size() >= count);
  }

  private static UUID deployment() throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "insert into deployments (id, app, environment, kind, version, previous_version, requested_by, target_revision,"
                    + " spec_json, status, attempt, reason, last_sequence, backup_taken, idempotency_key, created_at, updated_at)"
                    + " values (?, 'feed', ?, 'DEPLOY', '1.0.0', '', 'test', 1, '{}', 'SUCCEEDED', 1, '', 0, false, ?, now(), now())")) {
      insert.setObject(1, id);
      insert.setString(2, id.toString());
      insert.setString(3, id.toString());
      insert.executeUpdate();
    }
    return id;
  }

  /** Appends one event and notifies, as a transition does, in {@code c}'s transaction. */
  private static void append(Connection c, UUID deployment, long sequence) throws Exception {
    DeploymentEvent event =
        DeploymentEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setDeploymentId(deployment.toString())
            .setSequence(sequence)
            .build();
    try (PreparedStatement insert =
            c.prepareStatement(
                "insert into events (event_id, deployment_id, sequence, target_key, payload, created_at)"
                    + " values (?, ?, ?, 'feed/e', ?, ?)");
        PreparedStatement notify = c.prepareStatement("select pg_notify(?, ?)")) {
      insert.setObject(1, UUID.fromString(event.getEventId()));
      insert.setObject(2, deployment);
      insert.setLong(3, sequence);
      insert.setBytes(4, event.toByteArray());
      insert.setTimestamp(5, Timestamp.from(Instant.now()));
      insert.executeUpdate();
      notify.setString(1, EventLog.CHANNEL);
      notify.setString(2, deployment.toString());
      notify.execute();
    }
  }
}
