package dev.slipway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.testkit.TestInfrastructure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The consumer pipeline on a real Kafka broker and a real PostgreSQL. */
class EventConsumerTest {
  /** The consumer's own sessions, told apart from the test's queries. */
  private static final String CONSUMER_SESSIONS = "consumer-under-test";

  private TestInfrastructure infrastructure;
  private String jdbcUrl;
  private String topic;
  private EventConsumer consumer;
  private final AtomicInteger handled = new AtomicInteger();

  /** The event whose handling finds the database down, while set. */
  private volatile String databaseDownFor = "";

  private final AtomicInteger triedWhileDown = new AtomicInteger();
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracing =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

  /** The span current in the handler, by deployment id. */
  private final Map<String, SpanContext> spanInHandler = new ConcurrentHashMap<>();

  /**
   * How many transactions of the consumer were open whenever its handler was free to call the
   * network.
   */
  private final List<Integer> openTransactionsSeenBefore =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    infrastructure = TestInfrastructure.shared();
    jdbcUrl = infrastructure.createDatabase("consumer");
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          new String(
              getClass().getResourceAsStream("/db/inbox/V1_0__inbox.sql").readAllBytes(),
              StandardCharsets.UTF_8));
      s.execute(
          "create table releases (deployment_id text primary key check (deployment_id not like 'poison%'))");
    }
    topic = "consumer-test-" + UUID.randomUUID();
    Topics.ensureExist(infrastructure.kafkaBootstrap(), 1, (short) 1);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    consumer = consumer();
    consumer.start();
  }

  /** A consumer of the test's topic in the test's group, on the test's database. */
  private EventConsumer consumer() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    dataSource.setApplicationName(CONSUMER_SESSIONS);
    return new EventConsumer(
        infrastructure.kafkaBootstrap(),
        "test-" + topic,
        topic,
        new Transactions(dataSource),
        new EventHandler() {
          @Override
          public void beforeTransaction(DeploymentEvent event) {
            openTransactionsSeenBefore.add(openTransactions());
          }

          @Override
          public Runnable handle(DeploymentEvent event, Connection tx)
              throws java.sql.SQLException {
            handled.incrementAndGet();
            spanInHandler.put(event.getDeploymentId(), Span.current().getSpanContext());
            if (event.getDeploymentId().equals(databaseDownFor)) {
              triedWhileDown.incrementAndGet();
              throw new dev.slipway.platform.db.DatabaseException(
                  new java.sql.SQLException("connection refused", "08001"));
            }
            try (PreparedStatement insert =
                tx.prepareStatement("insert into releases values (?)")) {
              insert.setString(1, event.getDeploymentId());
              insert.executeUpdate();
            }
            return EventHandler.NOTHING;
          }
        },
        meters,
        tracing.get("test"));
  }

  @AfterEach
  void stop() throws Exception {
    consumer.close();
  }

  @Test
  void aRecordThatViolatesAConstraintIsDeadLetteredAndTheNextOneIsProcessed() throws Exception {
    String poison = "poison-" + UUID.randomUUID();
    String good = "good-" + UUID.randomUUID();
    send(event(poison), event(good));

    await().atMost(Duration.ofSeconds(30)).until(() -> rows().contains(good));
    assertThat(rows()).containsExactly(good);
    ConsumerRecord<byte[], byte[]> dead = deadLetterOf(poison);
    assertThat(
            new String(
                dead.headers().lastHeader("slipway_dlq_reason").value(), StandardCharsets.UTF_8))
        .contains("releases_deployment_id_check");
    assertThat(
            new String(
                dead.headers().lastHeader("slipway_dlq_topic").value(), StandardCharsets.UTF_8))
        .isEqualTo(topic);
    assertThat(handled.get()).as("a constraint violation is not retried").isEqualTo(2);
    assertThat(consumed("handled")).isEqualTo(1);
    assertThat(consumed("dead_lettered")).isEqualTo(1);
    assertThat(consumed("duplicate")).isZero();
  }

  @Test
  void aRedeliveredEventIsHandledOnce() throws Exception {
    DeploymentEvent once = event("release-" + UUID.randomUUID());
    String marker = "marker-" + UUID.randomUUID();
    send(once, once, event(marker));

    await().atMost(Duration.ofSeconds(30)).until(() -> rows().contains(marker));
    assertThat(rows()).containsExactlyInAnyOrder(once.getDeploymentId(), marker);
    assertThat(handled.get()).isEqualTo(2);
    assertThat(consumed("handled")).isEqualTo(2);
    assertThat(consumed("duplicate")).isEqualTo(1);
    assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max").gauges())
        .as("the client's lag is measured")
        .isNotEmpty();
  }

  private double consumed(String outcome) {
    return meters.counter("slipway.events.consumed", "outcome", outcome).count();
  }

  @Test
  void closingWhileTheDatabaseIsDownCommitsWhatWasDoneAndNothingPastIt() throws Exception {
    String done = "done-" + UUID.randomUUID();
    String stuck = "stuck-" + UUID.randomUUID();
    databaseDownFor = stuck;
    send(event(done), event(stuck));
    // Four tries in, the next backoff is 4 s.
    await().atMost(Duration.ofSeconds(30)).until(() -> triedWhileDown.get() >= 4);

    long closing = System.nanoTime();
    consumer.close();

    assertThat(Duration.ofNanos(System.nanoTime() - closing))
        .as("the retry's backoff is cut short")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(rows()).containsExactly(done);
    assertThat(committedOffset()).as("the done record committed, the stuck one not").isEqualTo(1);

    databaseDownFor = "";
    consumer = consumer();
    consumer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> rows().contains(stuck));
    assertThat(rows()).containsExactlyInAnyOrder(done, stuck);
    assertThat(consumed("handled")).isEqualTo(2);
    assertThat(consumed("dead_lettered")).isZero();
  }

  private long committedOffset() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrap()))) {
      var offsets =
          admin.listConsumerGroupOffsets("test-" + topic).partitionsToOffsetAndMetadata().get();
      var offset = offsets.get(new org.apache.kafka.common.TopicPartition(topic, 0));
      return offset == null ? -1 : offset.offset();
    }
  }

  @Test
  void whatAHandlerFetchesFromOtherServicesItFetchesWithNoTransactionOpen() throws Exception {
    String marker = "marker-" + UUID.randomUUID();
    send(event("release-" + UUID.randomUUID()), event(marker));

    await().atMost(Duration.ofSeconds(30)).until(() -> rows().contains(marker));
    assertThat(openTransactionsSeenBefore).hasSize(2).containsOnly(0);
  }

  @Test
  void theInboxForgetsWhatIsOlderThanTheDedupeWindow() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "insert into inbox select gen_random_uuid(), now() - interval '8 days' from generate_series(1, 25)");
      s.execute(
          "insert into inbox select gen_random_uuid(), now() - interval '1 day' from generate_series(1, 5)");
      int pruned = 0;
      int batch;
      while ((batch =
              dev.slipway.platform.db.Inbox.prune(
                  c, java.time.Instant.now().minus(Duration.ofDays(7)), 10))
          > 0) {
        assertThat(batch).isLessThanOrEqualTo(10);
        pruned += batch;
      }
      assertThat(pruned).isEqualTo(25);
      try (ResultSet left = s.executeQuery("select count(*) from inbox")) {
        left.next();
        assertThat(left.getInt(1)).isEqualTo(5);
      }
    }
  }

  private int openTransactions() {
    try (Connection c = connect();
        PreparedStatement select =
            c.prepareStatement(
                "select count(*) from pg_stat_activity where datname = current_database() and xact_start is not null"
                    + " and application_name = ?")) {
      select.setString(1, CONSUMER_SESSIONS);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theHandlerRunsInAConsumerSpanThatContinuesTheTraceOfTheRecord() throws Exception {
    String traced = "traced-" + UUID.randomUUID();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String publishSpan = "00f067aa0ba902b7";
    DeploymentEvent event = event(traced);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, "journal/e2e".getBytes(StandardCharsets.UTF_8), event.toByteArray());
    record
        .headers()
        .add(
            "traceparent",
            ("00-" + traceId + "-" + publishSpan + "-01").getBytes(StandardCharsets.UTF_8));
    send(record);

    // The span ends once the record's transaction and its after-commit work are done.
    List<SpanData> processed =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(span -> span.getTraceId().equals(traceId))
                        .toList(),
                finished -> !finished.isEmpty());
    assertThat(processed).hasSize(1);
    SpanData span = processed.getFirst();
    assertThat(span.getName()).isEqualTo("process dev.slipway.deployment.kind_not_set.v1");
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getParentSpanId()).isEqualTo(publishSpan);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
        .isEqualTo(event.getEventId());
    assertThat(spanInHandler.get(traced).getSpanId())
        .as("the handler ran inside the consumer span")
        .isEqualTo(span.getSpanId());
  }

  private static DeploymentEvent event(String deploymentId) {
    return DeploymentEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeploymentId(deploymentId)
        .build();
  }

  private void send(DeploymentEvent... events) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (DeploymentEvent event : events) {
      records.add(
          new ProducerRecord<>(
              topic, "journal/e2e".getBytes(StandardCharsets.UTF_8), event.toByteArray()));
    }
    send(records.toArray(ProducerRecord[]::new));
  }

  @SafeVarargs
  private void send(ProducerRecord<byte[], byte[]>... records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrap()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> record : records) {
        producer.send(record).get();
      }
    }
  }

  private ConsumerRecord<byte[], byte[]> deadLetterOf(String deploymentId) throws Exception {
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infrastructure.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      reader.subscribe(List.of(Topics.DEPLOYMENTS_DLQ));
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < until) {
        for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
          if (DeploymentEvent.parseFrom(record.value()).getDeploymentId().equals(deploymentId)) {
            return record;
          }
        }
      }
    }
    throw new AssertionError("no dead letter for " + deploymentId);
  }

  private List<String> rows() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery("select deployment_id from releases order by deployment_id")) {
      List<String> ids = new ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
      return ids;
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl, infrastructure.user(), infrastructure.password());
  }
}
