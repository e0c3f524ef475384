package dev.slipway.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.logging.DeploymentLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries as signed webhooks. Claims rows with SKIP LOCKED (replicas share the work),
 * never more than it may send at once (overall, and per channel), records every attempt, and
 * retries on the channel's {@link RetryPolicy}. The webhook-id stays the same across retries, so a
 * receiver can drop a repeat that a crash between send and record would cause.
 */
@Context
public class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration CLAIM = Duration.ofSeconds(60);

  /** A send waits this long at most for its channel's turn, well inside the claim. */
  private static final Duration CHANNEL_WAIT = Duration.ofSeconds(30);

  private static final Duration SLACK_SPACING = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transactions transactions;
  private final ChannelDirectory channels;
  private final Map<String, Semaphore> channelSlots = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore wakeups = new Semaphore(0);
  private final Map<String, Long> nextSlackSlot = new ConcurrentHashMap<>();
  private final String dashboardUrl;
  private final Thread thread;
  private volatile boolean running = true;
  private final MeterRegistry meters;

  public Dispatcher(
      Transactions transactions,
      ChannelDirectory channels,
      Clock clock,
      @Value("${slipway.notifier.max-concurrent-sends:16}") int maxConcurrentSends,
      @Value("${slipway.notifier.dashboard-url:}") String dashboardUrl,
      MeterRegistry meters) {
    this.meters = meters;
    this.dashboardUrl =
        dashboardUrl.endsWith("/")
            ? dashboardUrl.substring(0, dashboardUrl.length() - 1)
            : dashboardUrl;
    this.transactions = transactions;
    this.channels = channels;
    this.slots = new Semaphore(maxConcurrentSends);
    this.clock = clock;
    this.thread = Thread.ofPlatform().name("webhook-dispatcher").start(this::loop);
  }

  /** New deliveries were committed. */
  public void wake() {
    wakeups.release();
  }

  private record Due(
      UUID id, UUID deploymentId, String channel, String payload, int attempts, int retriedAfter) {}

  private void loop() {
    while (running) {
      int held = 0;
      try {
        // Claim no more than may be sent now: a backlog waits in the table, not in threads.
        slots.acquire();
        held = 1 + slots.drainPermits();
        int limit = held;
        List<Due> due = transactions.inTransaction(tx -> claim(tx, limit));
        slots.release(held - due.size());
        held = 0;
        for (Due delivery : due) {
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      send(delivery);
                    } finally {
                      slots.release();
                    }
                  });
        }
        if (due.isEmpty()) {
          wakeups.tryAcquire(1, TimeUnit.SECONDS);
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      } catch (DatabaseException e) {
        slots.release(held);
        LOG.warn("dispatcher cannot reach the database: {}", e.getMessage());
        sleepQuietly();
      }
    }
  }

  private List<Due> claim(Connection tx, int limit) throws SQLException {
    try (PreparedStatement claim =
        tx.prepareStatement(
            "update deliveries set next_attempt_at = ? where id in (select id from deliveries d"
                + " where status = 'PENDING' and next_attempt_at <= ?"
                // A chat channel tells people in order: nothing before every older one is sent.
                + " and (channel <> all(?) or not exists (select 1 from deliveries older"
                + " where older.channel = d.channel and older.status = 'PENDING'"
                // One in a long backoff holds nothing up: it is out of order, not in the way.
                + " and older.next_attempt_at <= ?"
                + " and (older.created_at, older.id) < (d.created_at, d.id)))"
                + " order by next_attempt_at limit ?"
                + " for update skip locked)"
                + " returning id, deployment_id, channel, payload, attempts, retried_after")) {
      Instant now = clock.instant();
      claim.setTimestamp(1, Timestamp.from(now.plus(CLAIM)));
      claim.setTimestamp(2, Timestamp.from(now));
      claim.setArray(3, tx.createArrayOf("text", channels.orderedChannels()));
      claim.setTimestamp(4, Timestamp.from(now.plus(CLAIM)));
      claim.setInt(5, limit);
      List<Due> due = new ArrayList<>();
      try (ResultSet rows = claim.executeQuery()) {
        while (rows.next()) {
          due.add(
              new Due(
                  rows.getObject(1, UUID.class),
                  rows.getObject(2, UUID.class),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getInt(5),
                  rows.getInt(6)));
        }
      }
      return due;
    }
  }

  private void send(Due delivery) {
    try (DeploymentLog log = DeploymentLog.scope(delivery.deploymentId(), null)) {
      sendLogged(delivery);
    }
  }

  private void sendLogged(Due delivery) {
    int attempt = delivery.attempts() + 1;
    Channel channel = channels.get(delivery.channel()).orElse(null);
    if (channel == null && !channels.ready()) {
      // It may be an applied channel not read yet: asked again in a while, not given up.
      dueAt(delivery, clock.instant().plus(Duration.ofSeconds(5)));
      return;
    }
    if (channel == null) {
      record(
          delivery,
          attempt,
          null,
          "channel '" + delivery.channel() + "' is not configured on the notifier-service",
          0,
          new RetryPolicy.GiveUp("the channel is not configured"));
      return;
    }
    Semaphore turn = turns(channel);
    try {
      if (!turn.tryAcquire(CHANNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        dueAt(delivery, clock.instant());
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      // The wait for the channel's turn came out of the claim: the send gets a whole one.
      dueAt(delivery, clock.instant().plus(CLAIM));
      Optional<String> disabled = disabled(channel);
      if (disabled.isPresent()) {
        record(
            delivery,
            attempt,
            null,
            "endpoint disabled: "
                + disabled.get()
                + "; configure the channel with another URL to send again",
            0,
            new RetryPolicy.GiveUp("endpoint disabled"));
        return;
      }
      if (!channel.getProblem().isEmpty()) {
        // A secret it names is not set: tried again on its schedule, in case it is set meanwhile.
        record(
            delivery,
            attempt,
            null,
            "channel cannot be used: " + channel.getProblem(),
            0,
            channel
                .policy()
                .after(
                    attempt - delivery.retriedAfter(),
                    Optional.empty(),
                    Optional.empty(),
                    clock.instant()));
        return;
      }
      if (channel.email()) {
        mail(delivery, channel, attempt);
      } else {
        post(delivery, channel, attempt);
      }
    } finally {
      turn.release();
    }
  }

  private void post(Due delivery, Channel channel, int attempt) {
    long timestamp = clock.instant().getEpochSecond();
    String webhookId = "msg_" + delivery.id();
    long started = System.nanoTime();
    Integer status = null;
    String detail;
    Optional<String> retryAfter = Optional.empty();
    try {
      HttpResponse<InputStream> response =
          http.send(
              request(channel, webhookId, timestamp, delivery.payload(), null),
              HttpResponse.BodyHandlers.ofInputStream());
      // The status and headers say everything; a receiver's body is never read, however long it is.
      response.body().close();
      status = response.statusCode();
      detail = "HTTP " + status;
      retryAfter = response.headers().firstValue("retry-after");
    } catch (IOException e) {
      detail = "cannot deliver: " + e;
    } catch (IllegalArgumentException e) {
      // Never the URL itself: a Slack URL, or one from a secret, is a credential.
      detail = "cannot deliver: the channel's URL is not one to send to";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    sent(channel);
    int latency = (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
    RetryPolicy.Verdict verdict =
        channel
            .policy()
            .after(
                attempt - delivery.retriedAfter(),
                Optional.ofNullable(status),
                retryAfter,
                clock.instant());
    if (verdict instanceof RetryPolicy.DisableEndpoint disable) {
      transactions.inTransaction(c -> disable(c, channel, disable.why()));
    }
    record(delivery, attempt, status, detail, latency, verdict);
  }

  private void mail(Due delivery, Channel channel, int attempt) {
    long started = System.nanoTime();
    Mailer.Sent sent;
    try {
      sent =
          Mailer.send(
              channel,
              Message.of(JSON.readTree(delivery.payload()), channel.getTemplates()),
              delivery.id().toString(),
              dashboardUrl);
    } catch (IOException e) {
      sent = new Mailer.Sent(false, true, "the stored notification cannot be read: " + e);
    }
    int latency = (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
    RetryPolicy.Verdict verdict =
        sent.delivered()
            ? new RetryPolicy.Delivered()
            : sent.permanent()
                ? new RetryPolicy.GiveUp("the mail server refused it for good")
                : channel
                    .policy()
                    .after(
                        attempt - delivery.retriedAfter(),
                        Optional.empty(),
                        Optional.empty(),
                        clock.instant());
    record(delivery, attempt, null, sent.detail(), latency, verdict);
  }

  /**
   * How many sends to the channel may be in flight: one for a chat channel (it tells people in
   * order), else its max-concurrent; a new limit, applied, counts afresh.
   */
  private Semaphore turns(Channel channel) {
    int limit = channel.slack() ? 1 : Math.max(1, channel.getMaxConcurrent());
    return channelSlots.computeIfAbsent(
        channel.getName() + "/" + limit, key -> new Semaphore(limit));
  }

  /**
   * A Standard Webhooks POST of the payload, or a Slack message: {@code message}, else one made
   * from the payload.
   */
  private HttpRequest request(
      Channel channel, String webhookId, long timestamp, String payload, Message message)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(channel.getUrl()))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .header("user-agent", "slipway-notifier");
    if (channel.slack()) {
      pace(channel);
      String body =
          SlackMessage.render(
              message != null
                  ? message
                  : Message.of(JSON.readTree(payload), channel.getTemplates()),
              dashboardUrl);
      return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
    return request
        .header("webhook-id", webhookId)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header(
            "webhook-signature",
            WebhookSignature.sign(channel.getSecret(), webhookId, timestamp, payload))
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build();
  }

  /** How a test message to a channel went. */
  record TestResult(boolean delivered, String detail, int latencyMs) {}

  /** Sends a test message to {@code channel} now, in its own way; records nothing. */
  TestResult test(Channel channel, String by) throws InterruptedException {
    String id = "test_" + UUID.randomUUID();
    Message message =
        new Message(
            "Slipway test message to channel " + channel.getName(),
            "Sent by " + by + " with slipway channel test " + channel.getName() + ".",
            "",
            Map.of("Channel", channel.getName()),
            "");
    long started = System.nanoTime();
    if (channel.email()) {
      Mailer.Sent sent = Mailer.send(channel, message, id, "");
      return new TestResult(sent.delivered(), sent.detail(), millisSince(started));
    }
    String payload =
        JSON.createObjectNode()
            .put("type", "slipway.test")
            .put("channel", channel.getName())
            .put("by", by)
            .put("time", clock.instant().toString())
            .toString();
    try {
      HttpResponse<Void> response =
          http.send(
              request(channel, "msg_" + id, clock.instant().getEpochSecond(), payload, message),
              HttpResponse.BodyHandlers.discarding());
      sent(channel);
      int code = response.statusCode();
      return new TestResult(code >= 200 && code < 300, "HTTP " + code, millisSince(started));
    } catch (IOException | IllegalArgumentException e) {
      return new TestResult(false, "cannot deliver: " + e, millisSince(started));
    }
  }

  private static int millisSince(long started) {
    return (int) Duration.ofNanos(System.nanoTime() - started).toMillis();
  }

  /** Why the channel's URL is disabled (a 410 Gone), when it is. */
  Optional<String> disabled(Channel channel) {
    return transactions.read(c -> disabledBecause(c, channel));
  }

  /**
   * Slack takes about one message a second per channel: a send waits until a second after the
   * previous one was answered. A Slack channel sends one at a time, so its turn is held meanwhile.
   */
  private void pace(Channel channel) throws InterruptedException {
    long wait = nextSlackSlot.getOrDefault(channel.getName(), 0L) - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait));
    }
  }

  /** The next message to a Slack channel goes a second after this one was answered. */
  private void sent(Channel channel) {
    if (channel.slack()) {
      nextSlackSlot.put(channel.getName(), System.nanoTime() + SLACK_SPACING.toNanos());
    }
  }

  private Optional<String> disabledBecause(Connection c, Channel channel) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select reason || ' (' || disabled_at || ')' from disabled_endpoints where channel = ? and url = ?")) {
      select.setString(1, channel.getName());
      select.setString(2, urlDigest(channel));
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /** What is kept of a retired URL: its SHA-256, since the URL itself may be a credential. */
  private static String urlDigest(Channel channel) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(channel.getUrl().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private int disable(Connection tx, Channel channel, String why) throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into disabled_endpoints (channel, url, reason,"
                + " disabled_at) values (?, ?, ?, ?) on conflict do nothing")) {
      insert.setString(1, channel.getName());
      insert.setString(2, urlDigest(channel));
      insert.setString(3, why);
      insert.setTimestamp(4, Timestamp.from(clock.instant()));
      LOG.warn("channel {}: endpoint disabled: {}", channel.getName(), why);
      return insert.executeUpdate();
    }
  }

  /** Sets when a claimed delivery is due: now hands it back, later keeps it claimed. */
  private void dueAt(Due delivery, Instant at) {
    transactions.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("update deliveries set next_attempt_at = ? where id = ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setObject(2, delivery.id());
            return update.executeUpdate();
          }
        });
  }

  private void record(
      Due delivery,
      int attempt,
      Integer status,
      String detail,
      int latency,
      RetryPolicy.Verdict verdict) {
    boolean succeeded = verdict instanceof RetryPolicy.Delivered;
    DeliveryStatus outcome =
        switch (verdict) {
          case RetryPolicy.Delivered delivered -> DeliveryStatus.DELIVERED;
          case RetryPolicy.RetryAt retry -> DeliveryStatus.PENDING;
          case RetryPolicy.GiveUp giveUp -> DeliveryStatus.FAILED;
          case RetryPolicy.Exhausted exhausted -> DeliveryStatus.DEAD;
          case RetryPolicy.DisableEndpoint disable -> DeliveryStatus.FAILED;
        };
    Instant next = verdict instanceof RetryPolicy.RetryAt retry ? retry.when() : clock.instant();
    String why =
        switch (verdict) {
          case RetryPolicy.GiveUp giveUp -> detail + "; " + giveUp.why();
          case RetryPolicy.Exhausted exhausted -> detail + "; " + exhausted.why();
          case RetryPolicy.DisableEndpoint disable ->
              detail + "; endpoint disabled: " + disable.why();
          default -> detail;
        };
    transactions.inTransaction(
        tx -> {
          try (PreparedStatement insert =
                  tx.prepareStatement(
                      "insert into delivery_attempts (delivery_id, attempt, at, http_status, succeeded, detail, latency_ms)"
                          + " values (?, ?, ?, ?, ?, ?, ?)");
              PreparedStatement update =
                  tx.prepareStatement(
                      "update deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
                          + " delivered_at = ? where id = ?")) {
            Timestamp now = Timestamp.from(clock.instant());
            insert.setObject(1, delivery.id());
            insert.setInt(2, attempt);
            insert.setTimestamp(3, now);
            insert.setObject(4, status);
            insert.setBoolean(5, succeeded);
            insert.setString(6, why);
            insert.setInt(7, latency);
            insert.executeUpdate();
            update.setString(1, outcome.name());
            update.setInt(2, attempt);
            update.setTimestamp(3, Timestamp.from(next));
            update.setString(4, succeeded ? "" : why);
            update.setTimestamp(5, succeeded ? now : null);
            update.setObject(6, delivery.id());
            return update.executeUpdate();
          }
        });
    Timer.builder("slipway.deliveries")
        .description("Delivery attempts, by channel and what became of the delivery")
        // Names of channels that exist only: a typo in a target's notify must not grow series.
        .tag(
            "channel",
            channels.get(delivery.channel()).isPresent() ? delivery.channel() : "unconfigured")
        .tag("outcome", outcome.name())
        .register(meters)
        .record(Duration.ofMillis(latency));
    if (!succeeded) {
      LOG.warn(
          "delivery {} to {} attempt {}: {} ({})",
          delivery.id(),
          delivery.channel(),
          attempt,
          why,
          outcome);
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
