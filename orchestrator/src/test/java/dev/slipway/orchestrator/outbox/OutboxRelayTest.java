package dev.slipway.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.PhaseCompleted;
import dev.slipway.proto.v1.TargetRef;
import dev.slipway.testkit.TestInfrastructure;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two relays (two replicas) on a real PostgreSQL and a real Kafka broker, the lock holder's session
 * terminated again and again while events are written.
 */
class OutboxRelayTest {
  private static final int TARGETS = 4;
  private static TestInfrastructure infrastructure;
  private static Transactions transactions;
  private static CommitSignal signal;
  private static final List<OutboxRelay> relays = new ArrayList<>();
  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static final SdkTracerProvider tracing =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

  @BeforeAll
  static void start() throws Exception {
    infrastructure = TestInfrastructure.shared();
    String url = infrastructure.createDatabase("relay");
    Flyway.configure()
        .dataSource(url, infrastructure.user(), infrastructure.password())
        .schemas("orchestrator")
        .defaultSchema("orchestrator")
        .locations("classpath:db/orchestrator")
        .load()
        .migrate();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    dataSource.setCurrentSchema("orchestrator");
    transactions = new Transactions(dataSource);
    signal = new CommitSignal(transactions);
    for (int i = 0; i < 2; i++) {
      relays.add(
          new OutboxRelay(
              transactions,
              signal,
              new RelayHealth(null),
              tracing.get("test"),
              infrastructure.kafkaBootstrap(),
              3,
              (short) 1));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (OutboxRelay relay : relays) {
      relay.stop();
    }
    signal.stop();
  }

  @Test
  void whenTheRelaysSessionDiesAnotherTakesOverWithNothingLostRepeatedOrReordered()
      throws Exception {
    List<UUID> deployments = new ArrayList<>();
    for (int t = 0; t < TARGETS; t++) {
      deployments.add(deployment("relayed-" + t));
    }
    // Rounds of 40 events: the lock holder's session is terminated just after each round is
    // committed, while the relay is publishing it; the next round waits until this one is out.
    int terminated = 0;
    for (int round = 0; round < 10; round++) {
      for (int i = round * 40; i < (round + 1) * 40; i++) {
        int t = i % TARGETS;
        event(
            deployments.get(t),
            "relayed-" + t,
            i / TARGETS + 1,
            event(deployments.get(t), i / TARGETS + 1).toByteArray());
      }
      terminated += terminateLockHolder();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> count("select count(*) from events where published_at is null") == 0);
    }

    assertThat(terminated)
        .as("the lock holder's session was terminated while events flowed")
        .isPositive();
    Map<String, List<Long>> sequences = new HashMap<>();
    Set<String> ids = new HashSet<>();
    int records = 0;
    for (ConsumerRecord<byte[], byte[]> record : topic()) {
      DeploymentEvent event = DeploymentEvent.parseFrom(record.value());
      if (!event.getTarget().getApp().startsWith("relayed-")) {
        continue;
      }
      records++;
      ids.add(event.getEventId());
      sequences
          .computeIfAbsent(event.getTarget().getApp(), k -> new ArrayList<>())
          .add(event.getSequence());
    }
    assertThat(records).as("every event exactly once").isEqualTo(400);
    assertThat(ids).hasSize(400);
    for (List<Long> perTarget : sequences.values()) {
      assertThat(perTarget).as("per-target order").isSorted().hasSize(100);
    }
  }

  @Test
  void aRowThatCannotBePublishedIsSetAsideWithItsReasonAndStopsNothingBehindIt() throws Exception {
    UUID id = deployment("poisoned");
    long garbage = event(id, "poisoned", 1, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    byte[] huge =
        event(id, 2).toBuilder()
            .setPhaseCompleted(PhaseCompleted.newBuilder().setSummary("x".repeat(1_200_000)))
            .build()
            .toByteArray();
    long tooLarge = event(id, "poisoned", 2, huge);
    long fine = event(id, "poisoned", 3, event(id, 3).toByteArray());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        "select count(*) from events where id = "
                            + fine
                            + " and published_at is not null")
                    == 1);
    assertThat(text("select publish_error from events where id = " + garbage))
        .startsWith("payload does not decode");
    assertThat(text("select publish_error from events where id = " + tooLarge)).contains("exceeds");
    assertThat(text("select publish_error from events where id = " + fine)).isNull();
  }

  private static UUID deployment(String app) throws Exception {
    UUID id = UUID.randomUUID();
    apps.put(id, app);
    try (Connection c = connection();
        PreparedStatement insert =
            c.prepareStatement(
                "insert into deployments (id, app, environment, kind, version, previous_version, requested_by, target_revision,"
                    + " spec_json, status, attempt, reason, last_sequence, backup_taken, idempotency_key, created_at, updated_at)"
                    + " values (?, ?, 'e', 'DEPLOY', '1.0.0', '', 'test', 1, '{}', 'SUCCEEDED', 1, '', 0, false, ?, now(), now())")) {
      insert.setObject(1, id);
      insert.setString(2, app);
      insert.setString(3, id.toString());
      insert.executeUpdate();
    }
    return id;
  }

  @Test
  void eachEventIsPublishedInAProducerSpanOfItsTraceWhichTheRecordCarries() throws Exception {
    UUID id = deployment("traced");
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String writtenIn = "b7ad6b7169203331";
    DeploymentEvent event = event(id, 1);
    long row =
        event(id, "traced", 1, event.toByteArray(), "00-" + traceId + "-" + writtenIn + "-01");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        "select count(*) from events where id = "
                            + row
                            + " and published_at is not null")
                    == 1);

    ConsumerRecord<byte[], byte[]> record =
        topic().stream()
            .filter(
                r -> new String(r.headers().lastHeader("ce_id").value()).equals(event.getEventId()))
            .findFirst()
            .orElseThrow();
    SpanData publish =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(span -> span.getTraceId().equals(traceId))
                        .toList(),
                list -> list.size() == 1)
            .getFirst();
    assertThat(publish.getName()).isEqualTo("publish dev.slipway.deployment.kind_not_set.v1");
    assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(publish.getParentSpanId())
        .as("child of the span the event was written in")
        .isEqualTo(writtenIn);
    String carried = "00-" + traceId + "-" + publish.getSpanId() + "-01";
    assertThat(new String(record.headers().lastHeader("traceparent").value())).isEqualTo(carried);
    assertThat(new String(record.headers().lastHeader("ce_traceparent").value()))
        .as("the CloudEvents distributed-tracing extension")
        .isEqualTo(carried);
  }

  private static DeploymentEvent event(UUID deployment, long sequence) {
    return DeploymentEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeploymentId(deployment.toString())
        .setSequence(sequence)
        .setTarget(TargetRef.newBuilder().setApp(appOf(deployment)).setEnvironment("e"))
        .build();
  }

  private static final Map<UUID, String> apps = new java.util.concurrent.ConcurrentHashMap<>();

  private static String appOf(UUID deployment) {
    return apps.get(deployment);
  }

  /**
   * The row's event id is the payload's, as the event log writes it; any for an undecodable one.
   */
  private static UUID eventIdOf(byte[] payload) {
    try {
      return UUID.fromString(DeploymentEvent.parseFrom(payload).getEventId());
    } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
      return UUID.randomUUID();
    }
  }

  /** Inserts an outbox row and says so, as a transition's commit does; returns its id. */
  private static long event(UUID deployment, String app, long sequence, byte[] payload) {
    return event(deployment, app, sequence, payload, null);
  }

  private static long event(
      UUID deployment, String app, long sequence, byte[] payload, String traceparent) {
    return transactions.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "insert into events (event_id, deployment_id, sequence, target_key, payload, created_at, traceparent)"
                      + " values (?, ?, ?, ?, ?, ?, ?) returning id")) {
            insert.setString(7, traceparent);
            insert.setObject(1, eventIdOf(payload));
            insert.setObject(2, deployment);
            insert.setLong(3, sequence);
            insert.setString(4, app + "/e");
            insert.setBytes(5, payload);
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            try (ResultSet row = insert.executeQuery()) {
              row.next();
              long id = row.getLong(1);
              try (Statement notify = c.createStatement()) {
                notify.execute("select pg_notify('" + EventLog.CHANNEL + "', '')");
              }
              return id;
            }
          }
        });
  }

  private static int terminateLockHolder() throws Exception {
    try (Connection c = connection();
        PreparedStatement kill =
            c.prepareStatement(
                "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory' and granted"
                    + " and ((classid::bigint << 32) | objid::bigint) = ?")) {
      kill.setLong(1, OutboxSession.LOCK_KEY);
      try (ResultSet row = kill.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> topic() {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "relay-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEPLOYMENTS));
      int quiet = 0;
      while (quiet < 6) {
        var records = consumer.poll(Duration.ofMillis(500));
        quiet = records.isEmpty() ? quiet + 1 : 0;
        records.forEach(all::add);
      }
    }
    return all;
  }

  private static long count(String sql) throws Exception {
    try (Connection c = connection();
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static String text(String sql) throws Exception {
    try (Connection c = connection();
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private static Connection connection() throws Exception {
    return transactions.dataSource().getConnection();
  }
}
