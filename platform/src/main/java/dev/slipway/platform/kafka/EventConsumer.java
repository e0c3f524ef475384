package dev.slipway.platform.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Inbox;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.CloudEventHeaders;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.logging.DeploymentLog;
import dev.slipway.platform.retry.Backoff;
import dev.slipway.platform.retry.InfrastructureFailure;
import dev.slipway.platform.tracing.Tracing;
import dev.slipway.proto.v1.DeploymentEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the deployment topic for one consumer group. Each record passes, in this order: decode
 * (undecodable records go to the dead-letter topic), dedupe through the inbox, the handler in the
 * same transaction, then post-commit work. A handler failing for a transient reason (database or
 * orchestrator unreachable, a serialization failure, a deadlock) is retried until it succeeds; one
 * failing on the event's own data (a constraint or data error) is dead-lettered at once, and any
 * other failure after a few attempts; either way consumption goes on. Offsets are committed only
 * after the transaction.
 */
public final class EventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final int HANDLER_ATTEMPTS = 6;
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  private static final int MAX_REASON = 1_000;

  private final Map<String, Object> config;
  private final DeadLetters deadLetters;
  private final Transactions transactions;
  private final EventHandler handler;
  private final String topic;
  private final String group;
  private final MeterRegistry meters;
  private final Tracer tracer;
  private final Thread thread;
  private volatile boolean running = true;
  private final Object closing = new Object();
  private volatile KafkaConsumer<byte[], byte[]> current;

  public EventConsumer(
      String bootstrapServers,
      String group,
      String topic,
      Transactions transactions,
      EventHandler handler,
      MeterRegistry meters,
      Tracer tracer) {
    this.meters = meters;
    this.tracer = tracer;
    this.config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            100,
            // The relay publishes in transactions: records of an aborted one are never seen.
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            // A replica killed without leaving the group holds its partitions until its session
            // times out, and a restarted broker waits as long for it: 10 s, not Kafka's 45, so a
            // crash costs a phase seconds of its deadline rather than most of it.
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            10_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            3_000);
    this.deadLetters = new DeadLetters(bootstrapServers, group);
    this.transactions = transactions;
    this.handler = handler;
    this.topic = topic;
    this.group = group;
    this.thread = Thread.ofPlatform().name("consumer-" + group).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /**
   * Consumes until closed. Anything unexpected (a commit refused after a rebalance, a dead-letter
   * write that failed) closes the consumer and opens a new one, which resumes from the committed
   * offsets; the inbox drops what was already done.
   */
  private void run() {
    try {
      while (running) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                    config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            // The client's own figures, consumer lag among them (kafka_consumer_fetch_manager_*).
            KafkaClientMetrics clientMetrics = new KafkaClientMetrics(consumer)) {
          clientMetrics.bindTo(meters);
          current = consumer;
          consumeWith(consumer);
        } catch (WakeupException e) {
          if (running) {
            LOG.warn("{}: consumer woken unexpectedly, reopening", group);
          }
        } catch (KafkaException | IllegalStateException e) {
          LOG.warn(
              "{}: consumer failed, reopening from the committed offsets: {}", group, e.toString());
          Thread.sleep(1000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deadLetters.close();
    }
  }

  private void consumeWith(KafkaConsumer<byte[], byte[]> consumer) throws InterruptedException {
    consumer.subscribe(List.of(topic));
    while (running) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        // Closing: what is done is committed, the rest is left for the next consumer.
        if (!running || !process(record)) {
          break;
        }
        done.put(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1));
      }
      commit(consumer, done);
    }
  }

  private static void commit(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> done) {
    if (done.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(done);
    } catch (WakeupException closing) {
      // The wakeup of close() is spent; the offsets of what was processed are still committed.
      consumer.commitSync(done);
    }
  }

  /** Whether the record was dealt with; false when closing stopped its handling. */
  private boolean process(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
    DeploymentEvent event;
    UUID eventId;
    try {
      event = DeploymentEvent.parseFrom(record.value() == null ? new byte[0] : record.value());
      eventId = UUID.fromString(event.getEventId());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      deadLetters.send(record, "undecodable slipway.v1.DeploymentEvent: " + e.getMessage());
      consumed("dead_lettered");
      return true;
    }
    try (DeploymentLog log =
            DeploymentLog.scope(
                event.getDeploymentId(),
                event.hasTarget() ? TargetKey.of(event.getTarget()) : null);
        Tracing.Traced span = Tracing.start(processSpan(record, event))) {
      return handle(record, event, eventId);
    }
  }

  /** A consumer span in the trace the relay published the event in. */
  private SpanBuilder processSpan(ConsumerRecord<byte[], byte[]> record, DeploymentEvent event) {
    Header traceparent = record.headers().lastHeader(Tracing.TRACEPARENT);
    return tracer
        .spanBuilder("process " + CloudEventHeaders.type(event))
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(
            Tracing.parent(
                traceparent == null || traceparent.value() == null
                    ? null
                    : new String(traceparent.value(), StandardCharsets.UTF_8)))
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.destination.name", topic)
        .setAttribute("messaging.consumer.group.name", group)
        .setAttribute("messaging.message.id", event.getEventId());
  }

  private boolean handle(ConsumerRecord<byte[], byte[]> record, DeploymentEvent event, UUID eventId)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        handler.beforeTransaction(event);
        boolean[] duplicate = {false};
        Runnable afterCommit =
            transactions.inTransaction(
                tx -> {
                  duplicate[0] = !Inbox.markProcessed(tx, eventId);
                  return duplicate[0] ? EventHandler.NOTHING : handler.handle(event, tx);
                });
        afterCommit.run();
        consumed(duplicate[0] ? "duplicate" : "handled");
        return true;
      } catch (RuntimeException e) {
        boolean permanent = DatabaseException.behind(e).filter(db -> !db.isTransient()).isPresent();
        if (permanent || (attempt >= HANDLER_ATTEMPTS && !isTransient(e))) {
          LOG.error("{}: event {} failed {} time(s), dead-lettered", group, eventId, attempt, e);
          deadLetters.send(record, bounded("handler of " + group + " failed: " + e.getMessage()));
          Span.current()
              .setStatus(StatusCode.ERROR, "dead-lettered: " + e.getClass().getSimpleName());
          consumed("dead_lettered");
          return true;
        }
        LOG.warn(
            "{}: event {} failed (attempt {}), retrying: {}",
            group,
            eventId,
            attempt,
            e.toString());
        if (!pause(BACKOFF.delay(attempt))) {
          LOG.info(
              "{}: closing; event {} is left uncommitted for the next consumer", group, eventId);
          return false;
        }
      }
    }
  }

  /** Counts each record by what became of it ({@code slipway_events_consumed_total}). */
  private void consumed(String outcome) {
    meters.counter("slipway.events.consumed", "outcome", outcome).increment();
  }

  private static String bounded(String reason) {
    return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "…";
  }

  /** Failures of what the handler depends on, not of the event: they pass, so retry. */
  private static boolean isTransient(RuntimeException e) {
    return InfrastructureFailure.transientComponent(e).isPresent();
  }

  /** Waits before a retry; false when closing cut the wait short. */
  private boolean pause(Duration delay) throws InterruptedException {
    long until = System.nanoTime() + delay.toNanos();
    synchronized (closing) {
      while (running && System.nanoTime() < until) {
        closing.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
      }
    }
    return running;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    synchronized (closing) {
      closing.notifyAll();
    }
    KafkaConsumer<byte[], byte[]> consumer = current;
    if (consumer != null) {
      consumer.wakeup();
    }
    thread.join(Duration.ofSeconds(10));
  }
}
