package dev.slipway.notifier;

import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries as signed webhooks. Claims rows with SKIP LOCKED (replicas share the work),
 * records every attempt, retries failures with exponential backoff (honouring Retry-After), and
 * gives up after the configured number of attempts. The webhook-id stays the same across retries,
 * so a receiver can drop a repeat that a crash between send and record would cause.
 */
@Context
public class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration CLAIM = Duration.ofSeconds(60);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private final Transactions transactions;
  private final Map<String, Channel> channels;
  private final Clock clock;
  private final int maxAttempts;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore wakeups = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  public Dispatcher(Transactions transactions, List<Channel> channels, Clock clock,
      @Value("${slipway.notifier.max-attempts:6}") int maxAttempts) {
    this.transactions = transactions;
    this.channels = channels.stream().collect(Collectors.toMap(Channel::getName, Function.identity()));
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.thread = Thread.ofPlatform().name("webhook-dispatcher").start(this::loop);
  }

  /** New deliveries were committed. */
  public void wake() {
    wakeups.release();
  }

  private record Due(UUID id, String channel, String payload, int attempts) {}

  private void loop() {
    while (running) {
      try {
        List<Due> due = transactions.inTransaction(this::claim);
        for (Due delivery : due) {
          Thread.ofVirtual().start(() -> send(delivery));
        }
        if (due.isEmpty()) {
          wakeups.tryAcquire(1, TimeUnit.SECONDS);
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      } catch (DatabaseException e) {
        LOG.warn("dispatcher cannot reach the database: {}", e.getMessage());
        sleepQuietly();
      }
    }
  }

  private List<Due> claim(Connection tx) throws SQLException {
    try (PreparedStatement claim = tx.prepareStatement(
        "update deliveries set next_attempt_at = ? where id in (select id from deliveries"
            + " where status = 'PENDING' and next_attempt_at <= ? order by next_attempt_at limit 20"
            + " for update skip locked) returning id, channel, payload, attempts")) {
      Instant now = clock.instant();
      claim.setTimestamp(1, Timestamp.from(now.plus(CLAIM)));
      claim.setTimestamp(2, Timestamp.from(now));
      List<Due> due = new ArrayList<>();
      try (ResultSet rows = claim.executeQuery()) {
        while (rows.next()) {
          due.add(new Due(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getInt(4)));
        }
      }
      return due;
    }
  }

  private void send(Due delivery) {
    Channel channel = channels.get(delivery.channel());
    int attempt = delivery.attempts() + 1;
    long timestamp = clock.instant().getEpochSecond();
    String webhookId = "msg_" + delivery.id();
    long started = System.nanoTime();
    Integer status = null;
    String detail;
    Duration retryAfter = null;
    try {
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(channel.getUrl()))
              .timeout(Duration.ofSeconds(10))
              .header("content-type", "application/json")
              .header("user-agent", "slipway-notifier")
              .header("webhook-id", webhookId)
              .header("webhook-timestamp", Long.toString(timestamp))
              .header("webhook-signature", WebhookSignature.sign(channel.getSecret(), webhookId, timestamp, delivery.payload()))
              .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
              .build(),
          HttpResponse.BodyHandlers.ofInputStream());
      // The status and headers say everything; a receiver's body is never read, however long it is.
      response.body().close();
      status = response.statusCode();
      detail = "HTTP " + status;
      retryAfter = response.headers().firstValue("retry-after").flatMap(Dispatcher::seconds).orElse(null);
    } catch (IOException | IllegalArgumentException e) {
      detail = "cannot deliver: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    boolean succeeded = status != null && status >= 200 && status < 300;
    int latency = (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
    record(delivery, attempt, status, succeeded, detail, latency, retryAfter);
  }

  private void record(Due delivery, int attempt, Integer status, boolean succeeded, String detail, int latency,
      Duration retryAfter) {
    Duration backoff = retryAfter != null ? retryAfter : Duration.ofSeconds(1L << Math.min(attempt - 1, 16));
    Instant next = clock.instant().plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
    String outcome = succeeded ? "DELIVERED" : attempt >= maxAttempts ? "FAILED" : "PENDING";
    transactions.inTransaction(tx -> {
      try (PreparedStatement insert = tx.prepareStatement(
          "insert into delivery_attempts (delivery_id, attempt, at, http_status, succeeded, detail, latency_ms)"
              + " values (?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement update = tx.prepareStatement(
              "update deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
                  + " delivered_at = ? where id = ?")) {
        Timestamp now = Timestamp.from(clock.instant());
        insert.setObject(1, delivery.id());
        insert.setInt(2, attempt);
        insert.setTimestamp(3, now);
        insert.setObject(4, status);
        insert.setBoolean(5, succeeded);
        insert.setString(6, detail);
        insert.setInt(7, latency);
        insert.executeUpdate();
        update.setString(1, outcome);
        update.setInt(2, attempt);
        update.setTimestamp(3, Timestamp.from(next));
        update.setString(4, succeeded ? "" : detail);
        update.setTimestamp(5, succeeded ? now : null);
        update.setObject(6, delivery.id());
        return update.executeUpdate();
      }
    });
    if (!succeeded) {
      LOG.warn("delivery {} to {} attempt {}: {} ({})", delivery.id(), delivery.channel(), attempt, detail, outcome);
    }
  }

  private static Optional<Duration> seconds(String header) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(header.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
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
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(5));
  }
}
