package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.CloudEventHeaders;
import dev.slipway.platform.events.Topics;
import dev.slipway.platform.retry.Backoff;
import dev.slipway.platform.tracing.Tracing;
import dev.slipway.proto.v1.DeploymentEvent;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes unpublished rows of the events table to Kafka, oldest first, keyed by target.
 *
 * <p>One replica relays at a time: the one whose session holds a PostgreSQL advisory lock. It reads
 * and marks rows on that very session, and checks the lock before each batch, so a relay whose
 * session died stops. Each batch is one Kafka transaction under a fixed transactional id: a new
 * relay fences the old one (its open transaction is aborted, it can commit nothing more), then
 * marks the rows of the last batches already on the topic, which the old relay may have committed
 * without marking. Consumers read committed records only, so every event is seen once, in order per
 * target. A row that can never be published (undecodable, too large) is set aside with the reason.
 */
@Context
public class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  static final String TRANSACTIONAL_ID = "slipway-outbox-relay";

  /**
   * At most 5 s between attempts: events wait for Kafka at most that long after it is back, and
   * each phase's deadline runs from its start, not from its publication.
   */
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final DataSource dataSource;
  private final CommitSignal signal;
  private final String bootstrapServers;
  private final int partitions;
  private final short replication;
  private final RelayHealth health;
  private final Tracer tracer;
  private final Thread thread;
  private volatile boolean running = true;
  private int failuresInARow;

  public OutboxRelay(
      Transactions transactions,
      CommitSignal signal,
      RelayHealth health,
      Tracer tracer,
      @Value("${slipway.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${slipway.kafka.partitions:6}") int partitions,
      @Value("${slipway.kafka.replication-factor:1}") short replication) {
    this.dataSource = transactions.dataSource();
    this.signal = signal;
    this.health = health;
    this.tracer = tracer;
    this.bootstrapServers = bootstrapServers;
    this.partitions = partitions;
    this.replication = replication;
    this.thread = Thread.ofPlatform().name("outbox-relay").start(this::run);
  }

  private void run() {
    while (running) {
      try {
        leadIfElected();
        health.running();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // Anything at all: the relay never dies silently; it says why, and tries again later.
        if (running) {
          health.failing(e.toString());
          Duration backoff = BACKOFF.delay(++failuresInARow);
          LOG.warn("outbox relay stopped, retrying in {}: {}", backoff, e.toString());
          sleep(backoff);
        }
      }
    }
  }

  /** Relays while this replica holds the lock; returns at once when another replica holds it. */
  private void leadIfElected() throws SQLException, InterruptedException {
    try (OutboxSession session = OutboxSession.open(dataSource)) {
      if (!session.tryLock()) {
        failuresInARow = 0;
        signal.awaitAfter(signal.generation(), Duration.ofSeconds(5));
        return;
      }
      Topics.ensureExist(bootstrapServers, partitions, replication);
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        producer.initTransactions();
        int marked =
            session.markPublishedEvents(
                TopicTail.eventIdsOfLastBatches(bootstrapServers, OutboxSession.BATCH));
        LOG.info(
            "this replica relays the outbox to {}{}",
            Topics.DEPLOYMENTS,
            marked == 0
                ? ""
                : " (" + marked + " event(s) the previous relay published are marked now)");
        health.running();
        failuresInARow = 0;
        while (running) {
          long seen = signal.generation();
          if (publishBatch(session, producer) == 0) {
            signal.awaitAfter(seen, Duration.ofSeconds(1));
          }
        }
      }
    }
  }

  private int publishBatch(OutboxSession session, KafkaProducer<byte[], byte[]> producer)
      throws SQLException {
    session.checkLockHeld();
    List<OutboxSession.Row> rows = session.unpublished();
    List<Long> sent = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<OutboxSession.Row> publishing = new ArrayList<>();
    for (OutboxSession.Row row : rows) {
      try {
        records.add(record(row));
        publishing.add(row);
        sent.add(row.id());
      } catch (Unpublishable e) {
        LOG.error("event row {} is set aside, never published: {}", row.id(), e.getMessage());
        session.setAside(row.id(), e.getMessage());
      }
    }
    if (records.isEmpty()) {
      return rows.size();
    }
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord<byte[], byte[]> record = records.get(i);
      Span span = publishSpan(publishing.get(i), record);
      Tracing.traceparent(span)
          .map(CloudEventHeaders::tracing)
          .ifPresent(tracing -> addHeaders(record, tracing));
      spans.add(span);
    }
    try {
      producer.beginTransaction();
      try {
        records.forEach(producer::send);
        producer.commitTransaction();
      } catch (ProducerFencedException e) {
        throw e;
      } catch (KafkaException e) {
        producer.abortTransaction();
        throw e;
      }
    } catch (KafkaException e) {
      spans.forEach(span -> span.setStatus(StatusCode.ERROR, e.toString()));
      throw e;
    } finally {
      spans.forEach(Span::end);
    }
    session.markPublished(sent);
    return rows.size();
  }

  /** A producer span per event, in the trace the event was written in. */
  private Span publishSpan(OutboxSession.Row row, ProducerRecord<byte[], byte[]> record) {
    String type =
        new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
    return tracer
        .spanBuilder("publish " + type)
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(Tracing.parent(row.traceparent()))
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "send")
        .setAttribute("messaging.destination.name", Topics.DEPLOYMENTS)
        .setAttribute(
            "messaging.message.id",
            new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
        .startSpan();
  }

  private static void addHeaders(
      ProducerRecord<byte[], byte[]> record, Map<String, String> headers) {
    headers.forEach((name, value) -> record.headers().add(name, CloudEventHeaders.bytes(value)));
  }

  private static ProducerRecord<byte[], byte[]> record(OutboxSession.Row row) throws Unpublishable {
    if (row.payload().length > OutboxSession.MAX_PAYLOAD) {
      throw new Unpublishable(
          "payload of " + row.payload().length + " bytes exceeds " + OutboxSession.MAX_PAYLOAD);
    }
    DeploymentEvent event;
    try {
      event = EventLog.decode(row.payload());
    } catch (RuntimeException e) {
      throw new Unpublishable("payload does not decode: " + e.getMessage());
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            Topics.DEPLOYMENTS, row.targetKey().getBytes(StandardCharsets.UTF_8), row.payload());
    addHeaders(record, CloudEventHeaders.of(event));
    return record;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A row Kafka would refuse whatever is retried: set aside, so it stops no other event. */
  private static final class Unpublishable extends Exception {
    Unpublishable(String message) {
      super(message);
    }
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
