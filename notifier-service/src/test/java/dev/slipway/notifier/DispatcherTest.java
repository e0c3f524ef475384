package dev.slipway.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.platform.db.Transactions;
import dev.slipway.testkit.TestInfrastructure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The dispatcher on a real PostgreSQL, sending to a real HTTP receiver started here that counts
 * what it holds at once: the bounds on sends in flight, and a claim left by a dead replica.
 */
class DispatcherTest {
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> mostAtOnce = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private HttpServer receiver;
  private Transactions transactions;
  private Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(infrastructure.createDatabase("dispatcher"));
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    transactions = new Transactions(dataSource);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String migration :
          List.of("V2__deliveries.sql", "V3__disabled_endpoints.sql", "V4__dead_deliveries.sql")) {
        s.execute(
            new String(
                DispatcherTest.class
                    .getResourceAsStream("/db/notifier/" + migration)
                    .readAllBytes(),
                StandardCharsets.UTF_8));
      }
    }
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newCachedThreadPool());
    receiver.createContext(
        "/",
        exchange -> {
          String channel = exchange.getRequestURI().getPath().substring(1);
          int now = inFlight.computeIfAbsent(channel, k -> new AtomicInteger()).incrementAndGet();
          inFlight.computeIfAbsent("all", k -> new AtomicInteger()).incrementAndGet();
          mostAtOnce
              .computeIfAbsent(channel, k -> new AtomicInteger())
              .accumulateAndGet(now, Math::max);
          mostAtOnce
              .computeIfAbsent("all", k -> new AtomicInteger())
              .accumulateAndGet(inFlight.get("all").get(), Math::max);
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          received.computeIfAbsent(channel, k -> new AtomicInteger()).incrementAndGet();
          inFlight.get(channel).decrementAndGet();
          inFlight.get("all").decrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
  }

  private final List<ChannelDirectory> directories = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (dispatcher != null) {
      dispatcher.stop();
    }
    receiver.stop(0);
    directories.forEach(ChannelDirectory::close);
  }

  @Test
  void neverMoreSendsInFlightThanTheServiceAllows() throws Exception {
    dispatcher = dispatcher(3, channel("east", 4), channel("west", 4));
    for (int i = 0; i < 6; i++) {
      pending("east", clock.instant());
      pending("west", clock.instant());
    }
    dispatcher.wake();

    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight("all") == 3);
    await("the bound holds while the receiver is slow")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inFlight("all") == 3);
    release.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'DELIVERED'") == 12);
    assertThat(mostAtOnce.get("all").get()).as("the service's bound").isEqualTo(3);
    assertThat(received("east") + received("west")).isEqualTo(12);
    assertThat(attempts()).as("one attempt each, all succeeded").isEqualTo(12);
  }

  @Test
  void neverMoreSendsInFlightToAChannelThanItAllows() throws Exception {
    dispatcher = dispatcher(16, channel("narrow", 2));
    for (int i = 0; i < 5; i++) {
      pending("narrow", clock.instant());
    }
    dispatcher.wake();

    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight("narrow") == 2);
    await("the channel's bound holds while the receiver is slow")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inFlight("narrow") == 2);
    release.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'DELIVERED'") == 5);
    assertThat(mostAtOnce.get("narrow").get()).as("the channel's bound").isEqualTo(2);
    assertThat(attempts()).isEqualTo(5);
  }

  @Test
  void aClaimLeftByADeadReplicaIsSentOnceItExpiresAndNotBefore() throws Exception {
    release.countDown();
    // A replica claimed it (moving its next attempt a claim's length ahead) and died before
    // sending; another delivery, due now, shows that the dispatcher is polling meanwhile.
    UUID claimed = pending("wide", clock.instant().plusSeconds(60));
    UUID due = pending("wide", clock.instant());
    dispatcher = dispatcher(16, channel("wide", 4));
    dispatcher.wake();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("id = '" + due + "' and status = 'DELIVERED'") == 1);
    await("not sent while the dead replica's claim holds")
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> received("wide") == 1);
    clock.advance(Duration.ofSeconds(61));
    dispatcher.wake();

    await().atMost(Duration.ofSeconds(10)).until(() -> count("status = 'DELIVERED'") == 2);
    assertThat(received("wide")).isEqualTo(2);
    assertThat(count("id = '" + claimed + "' and attempts = 1")).isEqualTo(1);
  }

  private Dispatcher dispatcher(int maxConcurrentSends, Channel... channels) {
    // Configured channels only: none is applied, so the orchestrator is never asked.
    ChannelDirectory directory = new ChannelDirectory(List.of(channels), List::of);
    directories.add(directory);
    return new Dispatcher(
        transactions,
        directory,
        clock,
        maxConcurrentSends,
        "",
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  private Channel channel(String name, int maxConcurrent) {
    Channel channel = new Channel(name);
    channel.setUrl("http://127.0.0.1:" + receiver.getAddress().getPort() + "/" + name);
    channel.setSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    channel.setMaxConcurrent(maxConcurrent);
    return channel;
  }

  private UUID pending(String channel, Instant due) {
    UUID id = UUID.randomUUID();
    transactions.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "insert into deliveries (id, event_id, channel, deployment_id, event_type, payload,"
                      + " status, attempts, next_attempt_at, last_error, created_at)"
                      + " values (?, ?, ?, ?, 'deployment.succeeded', '{}', 'PENDING', 0, ?, '', ?)")) {
            insert.setObject(1, id);
            insert.setObject(2, UUID.randomUUID());
            insert.setString(3, channel);
            insert.setObject(4, UUID.randomUUID());
            insert.setTimestamp(5, Timestamp.from(due));
            insert.setTimestamp(6, Timestamp.from(clock.instant()));
            return insert.executeUpdate();
          }
        });
    return id;
  }

  private int inFlight(String channel) {
    return inFlight.getOrDefault(channel, new AtomicInteger()).get();
  }

  private int received(String channel) {
    return received.getOrDefault(channel, new AtomicInteger()).get();
  }

  private long count(String where) {
    return single("select count(*) from deliveries where " + where);
  }

  private long attempts() {
    return single("select count(*) from delivery_attempts where succeeded and attempt = 1");
  }

  private long single(String sql) {
    return transactions.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
          }
        });
  }

  /** Time that stands still until the test moves it. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
