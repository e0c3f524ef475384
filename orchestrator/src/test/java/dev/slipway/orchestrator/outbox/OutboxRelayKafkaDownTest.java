package dev.slipway.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.TargetRef;
import dev.slipway.testkit.TestInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A relay whose Kafka is down says so on its health check, keeps every event in the outbox (none is
 * set aside as bad, none marked published), and a relay that reaches Kafka publishes them all.
 */
class OutboxRelayKafkaDownTest {
  private static final io.opentelemetry.api.trace.Tracer NO_TRACING =
      io.opentelemetry.api.trace.TracerProvider.noop().get("test");

  @Test
  void eventsWaitInTheOutboxWhileKafkaIsDownAndAreAllPublishedOnceItIsBack() throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    Transactions transactions = OrchestratorFixtures.migratedDatabase("relay_down");
    CommitSignal signal = new CommitSignal(transactions);
    UUID deployment = UUID.randomUUID();
    transactions.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "insert into deployments (id, app, environment, kind, version, previous_version,"
                      + " requested_by, target_revision, spec_json, status, attempt, reason,"
                      + " last_sequence, backup_taken, idempotency_key, created_at, updated_at)"
                      + " values (?, 'waiting', 'qa', 'DEPLOY', '1.0.0', '', 'test', 1, '{}',"
                      + " 'SUCCEEDED', 1, '', 5, false, ?, now(), now())")) {
            insert.setObject(1, deployment);
            insert.setString(2, deployment.toString());
            return insert.executeUpdate();
          }
        });
    for (int sequence = 1; sequence <= 5; sequence++) {
      append(transactions, deployment, sequence);
    }

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    OutboxLag lag = new OutboxLag(transactions, meters, Clock.systemUTC());
    assertThat(lagSeconds(meters)).as("not read yet: unknown").isNaN();
    RelayHealth downHealth = new RelayHealth(null);
    OutboxRelay down =
        new OutboxRelay(transactions, signal, downHealth, NO_TRACING, deadAddress(), 3, (short) 1);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> downHealth.problem() != null);
      assertThat(downHealth.problem()).contains("Kafka");
      await("the events wait, none set aside as bad, none marked")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> count(transactions, "published_at is null and publish_error is null") == 5);
      lag.refresh();
      assertThat(lagSeconds(meters))
          .as("the oldest waiting event is older than the 3 s waited")
          .isGreaterThanOrEqualTo(3.0)
          .isLessThan(120.0);
    } finally {
      down.stop();
    }

    RelayHealth upHealth = new RelayHealth(null);
    OutboxRelay up =
        new OutboxRelay(
            transactions,
            signal,
            upHealth,
            NO_TRACING,
            infrastructure.kafkaBootstrap(),
            3,
            (short) 1);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(transactions, "published_at is null") == 0);
      assertThat(count(transactions, "published_at is not null")).isEqualTo(5);
      lag.refresh();
      assertThat(lagSeconds(meters)).as("nothing waits").isZero();
      assertThat(upHealth.problem()).isNull();
      assertThat(sequencesOnTheTopic(infrastructure.kafkaBootstrap(), deployment))
          .as("on the topic, once each, in order")
          .containsExactly(1L, 2L, 3L, 4L, 5L);
    } finally {
      up.stop();
      signal.stop();
    }
  }

  private static List<Long> sequencesOnTheTopic(String bootstrap, UUID deployment)
      throws Exception {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-down-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Long> sequences = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEPLOYMENTS));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(500))) {
                  DeploymentEvent event = DeploymentEvent.parseFrom(record.value());
                  if (event.getDeploymentId().equals(deployment.toString())) {
                    sequences.add(event.getSequence());
                  }
                }
                return sequences.size() >= 5;
              });
    }
    return sequences;
  }

  private static double lagSeconds(SimpleMeterRegistry meters) {
    return meters.get("slipway.outbox.lag").timeGauge().value(TimeUnit.SECONDS);
  }

  /** An address where nothing listens: a port bound and released. */
  private static String deadAddress() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  private static void append(Transactions transactions, UUID deployment, long sequence) {
    DeploymentEvent event =
        DeploymentEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setDeploymentId(deployment.toString())
            .setTarget(TargetRef.newBuilder().setApp("waiting").setEnvironment("qa"))
            .setSequence(sequence)
            .build();
    transactions.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "insert into events (event_id, deployment_id, sequence, target_key, payload, created_at)"
                      + " values (?, ?, ?, 'waiting/qa', ?, ?)")) {
            insert.setObject(1, UUID.fromString(event.getEventId()));
            insert.setObject(2, deployment);
            insert.setLong(3, sequence);
            insert.setBytes(4, event.toByteArray());
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            return insert.executeUpdate();
          }
        });
  }

  private static long count(Transactions transactions, String where) {
    return transactions.read(
        c -> {
          try (PreparedStatement select =
                  c.prepareStatement("select count(*) from events where " + where);
              ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
          }
        });
  }
}
