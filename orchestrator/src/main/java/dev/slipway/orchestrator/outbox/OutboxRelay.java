package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.events.CloudEventHeaders;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import dev.slipway.platform.db.Transactions;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes unpublished rows of the events table to Kafka, oldest first, keyed by target. One
 * replica relays at a time (a PostgreSQL advisory lock held by a session elects it); it wakes on
 * commit through {@link CommitSignal} and polls once a second as a safety net. A row is marked
 * published only after Kafka acknowledged it, so a crash can repeat an event but never lose one.
 */
@Context
public class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long LOCK_KEY = 0x5117_0a7L;
  private static final int BATCH = 500;

  private final DataSource dataSource;
  private final CommitSignal signal;
  private final String bootstrapServers;
  private final int partitions;
  private final short replication;
  private final Thread thread;
  private volatile boolean running = true;

  public OutboxRelay(
      Transactions transactions,
      CommitSignal signal,
      @Value("${slipway.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${slipway.kafka.partitions:6}") int partitions,
      @Value("${slipway.kafka.replication-factor:1}") short replication) {
    this.dataSource = transactions.dataSource();
    this.signal = signal;
    this.bootstrapServers = bootstrapServers;
    this.partitions = partitions;
    this.replication = replication;
    this.thread = Thread.ofPlatform().name("outbox-relay").start(this::run);
  }

  private void run() {
    while (running) {
      try (Connection lockHolder = dataSource.getConnection()) {
        if (!tryLock(lockHolder)) {
          signal.awaitAfter(signal.generation(), Duration.ofSeconds(5));
          continue;
        }
        Topics.ensureExist(bootstrapServers, partitions, replication);
        LOG.info("this replica relays the outbox to {}", Topics.DEPLOYMENTS);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
          while (running) {
            long seen = signal.generation();
            if (publishBatch(producer) == 0) {
              signal.awaitAfter(seen, Duration.ofSeconds(1));
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | KafkaException | IllegalStateException | ExecutionException e) {
        if (running) {
          LOG.warn("outbox relay interrupted, retrying in 1s: {}", e.toString());
          sleep(Duration.ofSeconds(1));
        }
      }
    }
  }

  private int publishBatch(KafkaProducer<byte[], byte[]> producer)
      throws SQLException, InterruptedException, ExecutionException {
    List<Long> ids = new ArrayList<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select id, target_key, payload from events where published_at is null order by id limit " + BATCH);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
        acks.add(producer.send(record(rows.getString(2), rows.getBytes(3))));
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement update =
            c.prepareStatement("update events set published_at = now() where id = any(?)")) {
      Array array = c.createArrayOf("bigint", ids.toArray());
      update.setArray(1, array);
      update.executeUpdate();
    }
    return ids.size();
  }

  private static ProducerRecord<byte[], byte[]> record(String key, byte[] payload) {
    DeploymentEvent event = EventLog.decode(payload);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(Topics.DEPLOYMENTS, key.getBytes(StandardCharsets.UTF_8), payload);
    CloudEventHeaders.of(event).forEach((name, value) -> record.headers().add(name, CloudEventHeaders.bytes(value)));
    return record;
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
      lock.setLong(1, LOCK_KEY);
      try (ResultSet row = lock.executeQuery()) {
        return row.next() && row.getBoolean(1);
      }
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(10));
  }
}
