package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Infrastructure;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Releases while Slipway's processes are killed, Kafka stops, PostgreSQL restarts and the webhook
 * receiver misbehaves, on a stack of its own (its own PostgreSQL, a Kafka broker in its own
 * process), in a JVM of its own (tag {@code faults}). After each iteration {@link Invariants} and
 * {@link FaultSuiteChecks} read the topic, the databases, the commands' own record of their runs
 * and what the receiver accepted. Without {@code soak.iterations} each fault runs once; {@code
 * -Psoak -Dsoak.iterations=N} runs N chosen at random ({@code -Dsoak.seed} repeats the choice of
 * faults, not their timing) and prints what was injected and found.
 */
@Tag("faults")
class FaultSuiteTest {
  enum Fault {
    KILL_ORCHESTRATOR_AT_RANDOM,
    KILL_ORCHESTRATOR_DURING_DEPLOY,
    KILL_ORCHESTRATOR_WHILE_RELAYING,
    KILL_BACKUP_MID_JOB,
    KILL_HEALTH_MID_JOB,
    KAFKA_STOPPED_30S,
    POSTGRES_RESTARTED,
    WEBHOOK_ANSWERS_500,
    WEBHOOK_HANGS,
    WEBHOOK_ANSWERS_429
  }

  private static final int TARGETS = 2;
  private static final Duration SETTLE = Duration.ofMinutes(4);
  private static final Set<String> TERMINAL =
      Set.of("SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED");
  private static Path dir;
  private static RestartablePostgres postgres;
  private static KafkaBrokerProcess kafka;
  private static FaultyWebhook webhook;
  private static ServerSocket healthy;
  private static Stack stack;
  private static String slipwayDb;
  private static FaultSuiteChecks checks;

  /** Faults whose moment never came (the job was over, nothing was waiting), by fault. */
  private static final Map<Fault, Integer> missed = new EnumMap<>(Fault.class);

  /** Orchestrator kills that found events of the releases not yet on Kafka. */
  private static int killsWithEventsUnpublished;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("slipway-faults");
    postgres = new RestartablePostgres(dir.resolve("pg"));
    postgres.createDatabase("slipway");
    slipwayDb = postgres.jdbcUrl("slipway");
    kafka = KafkaBrokerProcess.start(dir.resolve("kafka"));
    webhook = new FaultyWebhook();
    checks = new FaultSuiteChecks(dir.resolve("runs"), FaultSuiteTest::slipway, webhook);
    healthy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(FaultSuiteTest::acceptForever);
    Path home = Path.of(System.getProperty("slipway.home", "..")).toAbsolutePath().normalize();
    // Short leases, so that a killed runner's work is taken over within seconds.
    Map<String, String> worker = Map.of("slipway.job-lease", "5s");
    stack =
        Stack.start(
            home,
            dir.resolve("stack"),
            new Infrastructure(slipwayDb, "postgres", "", kafka.bootstrapServers()),
            Map.of(
                Service.ORCHESTRATOR,
                Map.of("slipway.runner-lease", "3s"),
                Service.BACKUP,
                worker,
                Service.HEALTH,
                worker,
                Service.NOTIFIER,
                Map.of(
                    "slipway.notifier.channels.ops.url", webhook.url(),
                    "slipway.notifier.channels.ops.secret", "whsec_c2xpcHdheS1mYXVsdC1zdWl0ZQ==",
                    "slipway.notifier.channels.ops.retry-schedule",
                        "1s,2s,3s,5s,5s,5s,10s,10s,10s,20s")),
            0);
    for (int t = 0; t < TARGETS; t++) {
      apply(t);
    }
  }

  /**
   * A target whose deploy and rollback commands log their runs, with a backup (the first target's
   * takes a moment: 16 MiB that do not compress, so that a kill can land mid-job), a TCP check of a
   * port that always answers, and a notification of how it ended.
   */
  private static void apply(int t) throws Exception {
    byte[] content = new byte[t == 0 ? 16 << 20 : 64];
    new Random(t).nextBytes(content);
    Path config = Files.write(dir.resolve("config-" + t), content);
    Path spec =
        Files.writeString(
            dir.resolve("target-" + t + ".yaml"),
            """
            app: faulty-%d
            environment: soak
            deploy: { command: ["sh", "-c", "%s"] }
            rollback: { command: ["sh", "-c", "%s"] }
            backup: { items: [{ type: files, paths: [%s] }] }
            health:
              checks: [ { type: tcp, address: "127.0.0.1:%d" } ]
              interval: 1s
              successThreshold: 2
            notify:
              - { channel: ops, on: [succeeded, failed, cancelled, rolled_back, rollback_failed] }
            """
                .formatted(
                    t,
                    checks.command("deploy"),
                    checks.command("revert"),
                    config,
                    healthy.getLocalPort()));
    Cli.Run applied = cli("target", "apply", "-f", spec.toString());
    assertThat(applied.exit()).as(applied.all()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    try (AutoCloseable closeStack = stack;
        AutoCloseable closeWebhook = webhook;
        AutoCloseable closeKafka = kafka;
        AutoCloseable closePostgres = postgres;
        AutoCloseable closeSocket = healthy) {
      // Closed in reverse order, each even when one before it fails.
    }
  }

  @Test
  void everyReleaseEndsWithEveryInvariantKeptWhateverFails() throws Exception {
    // -Dsoak.faults=A,B limits the choice, to chase what one fault finds.
    String only = System.getProperty("soak.faults", "");
    Fault[] faults =
        only.isBlank()
            ? Fault.values()
            : java.util.Arrays.stream(only.split(","))
                .map(String::strip)
                .map(Fault::valueOf)
                .toArray(Fault[]::new);
    String asked = System.getProperty("soak.iterations", "");
    int iterations = asked.isBlank() ? faults.length : Integer.parseInt(asked.strip());
    long seed = Long.getLong("soak.seed", System.nanoTime());
    System.out.printf("fault suite: %d iteration(s), seed %d%n", iterations, seed);
    Random random = new Random(seed);
    Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    Map<String, Integer> endings = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    long began = System.nanoTime();
    try {
      for (int i = 0; i < iterations; i++) {
        Fault fault = asked.isBlank() ? faults[i] : faults[random.nextInt(faults.length)];
        long started = System.nanoTime();
        List<String> ids = new ArrayList<>();
        Map<String, String> ended = new HashMap<>();
        List<String> found = iteration(i, fault, random, ids, ended);
        injected.merge(fault, 1, Integer::sum);
        ended.values().forEach(status -> endings.merge(status, 1, Integer::sum));
        String where = "iteration " + (i + 1) + " (" + fault + "): ";
        found.forEach(v -> violations.add(where + v));
        System.out.printf(
            "fault suite: iteration %d/%d %s in %d s: %s; %d violation(s)%s%n",
            i + 1,
            iterations,
            fault,
            Duration.ofNanos(System.nanoTime() - started).toSeconds(),
            describe(ended),
            found.size(),
            found.isEmpty() ? "" : " " + found);
      }
    } finally {
      System.out.printf(
          "fault suite (seed %d): %d iteration(s) in %d s; faults injected %s; their moment missed"
              + " %s; orchestrator kills with events not yet on Kafka %d; deployments by end %s;"
              + " webhook requests turned away %d, held %d; deliveries repeated under one"
              + " webhook-id %d; %d invariant violation(s)%n",
          seed,
          injected.values().stream().mapToInt(Integer::intValue).sum(),
          Duration.ofNanos(System.nanoTime() - began).toSeconds(),
          injected,
          missed,
          killsWithEventsUnpublished,
          endings,
          webhook.refused(),
          webhook.held(),
          checks.repeatedDeliveries.get(),
          violations.size());
    }
    assertThat(violations).isEmpty();
  }

  /** One round: a release on every target, one fault while they run, then every check. */
  private static List<String> iteration(
      int n, Fault fault, Random random, List<String> ids, Map<String, String> ended)
      throws Exception {
    webhook.behave(
        switch (fault) {
          case WEBHOOK_ANSWERS_500 -> FaultyWebhook.Mode.ERROR;
          case WEBHOOK_HANGS -> FaultyWebhook.Mode.HANG;
          case WEBHOOK_ANSWERS_429 -> FaultyWebhook.Mode.THROTTLE;
          default -> FaultyWebhook.Mode.ACCEPT;
        });
    for (int t = 0; t < TARGETS; t++) {
      Cli.Run started =
          cli(
              "deploy",
              "--app",
              "faulty-" + t,
              "--env",
              "soak",
              "--version",
              "1." + n + ".0",
              "-o",
              "json");
      assertThat(started.exit()).as(started.all()).isZero();
      ids.add(E2eEnvironment.deployment(started.out()).getId());
    }
    try {
      if (!inject(fault, ids, random)) {
        missed.merge(fault, 1, Integer::sum);
      }
    } finally {
      webhook.behave(FaultyWebhook.Mode.ACCEPT);
    }
    // One not ended by then is a violation the checks name.
    awaitUntil(() -> ids.stream().allMatch(id -> TERMINAL.contains(status(id))), SETTLE);
    ids.forEach(id -> ended.put(id, status(id)));
    List<String> violations = new ArrayList<>();
    violations.addAll(
        Invariants.violations(kafka.bootstrapServers(), FaultSuiteTest::slipway, Set.copyOf(ids)));
    // Every fault here is shorter than any phase's deadline: a release it fails is a finding.
    ended.forEach(
        (id, status) -> {
          if (!status.equals("SUCCEEDED")) {
            violations.add(id + ": ended " + status + ": " + reason(id));
          }
        });
    violations.addAll(checks.commandRuns(ids, ended));
    violations.addAll(checks.notifications(ids));
    return violations;
  }

  /** Injects the fault; false when its moment never came. */
  private static boolean inject(Fault fault, List<String> ids, Random random) throws Exception {
    String first = ids.getFirst();
    return switch (fault) {
      case KILL_ORCHESTRATOR_AT_RANDOM -> {
        // Anywhere from a commit not yet published to a running step.
        pause(Duration.ofMillis(random.nextInt(3_000)));
        crashOrchestrator(ids);
        yield true;
      }
      case KILL_ORCHESTRATOR_DURING_DEPLOY -> {
        boolean running = awaitUntil(() -> checks.started(first, "deploy"), Duration.ofSeconds(90));
        crashOrchestrator(ids);
        yield running;
      }
      case KILL_ORCHESTRATOR_WHILE_RELAYING -> {
        // Events pile up while Kafka is away; the relay is killed as it publishes them.
        kafka.stop();
        boolean waiting = awaitUntil(() -> unpublished(ids) > 0, Duration.ofSeconds(30));
        kafka.start();
        pause(Duration.ofMillis(random.nextInt(1_500)));
        crashOrchestrator(ids);
        yield waiting;
      }
      case KILL_BACKUP_MID_JOB -> crashDuringJob("backup", first, Service.BACKUP);
      case KILL_HEALTH_MID_JOB -> crashDuringJob("health", first, Service.HEALTH);
      case KAFKA_STOPPED_30S -> {
        pause(Duration.ofMillis(random.nextInt(2_000)));
        kafka.stop();
        pause(Duration.ofSeconds(30));
        kafka.start();
        yield true;
      }
      case POSTGRES_RESTARTED -> {
        pause(Duration.ofMillis(random.nextInt(3_000)));
        postgres.restart();
        yield true;
      }
      case WEBHOOK_ANSWERS_500, WEBHOOK_ANSWERS_429 -> {
        int before = webhook.refused();
        boolean refused = awaitUntil(() -> webhook.refused() > before, Duration.ofSeconds(90));
        pause(Duration.ofSeconds(5));
        yield refused;
      }
      case WEBHOOK_HANGS -> {
        // Held longer than the notifier's 10 s request timeout, so that the attempt times out.
        int before = webhook.held();
        boolean held = awaitUntil(() -> webhook.held() > before, Duration.ofSeconds(90));
        pause(Duration.ofSeconds(12));
        yield held;
      }
    };
  }

  /** Kills the worker once it runs the deployment's job; false when the job was over by then. */
  private static boolean crashDuringJob(String schema, String id, Service worker) throws Exception {
    boolean running =
        awaitUntil(
            () ->
                "1"
                    .equals(
                        query(
                            "select count(*) from "
                                + schema
                                + ".phase_jobs where deployment_id = ?::uuid and status = 'RUNNING'",
                            id)),
            Duration.ofSeconds(60),
            Duration.ofMillis(20));
    stack.kill(worker);
    stack.restart(worker);
    return running;
  }

  private static void crashOrchestrator(List<String> ids) throws Exception {
    long waiting = unpublished(ids);
    stack.kill(Service.ORCHESTRATOR);
    if (waiting > 0) {
      killsWithEventsUnpublished++;
    }
    stack.restart(Service.ORCHESTRATOR);
  }

  private static long unpublished(List<String> ids) throws SQLException {
    return Invariants.unpublished(FaultSuiteTest::slipway, ids);
  }

  /** "id STATUS" of each, with the reason of one that did not succeed. */
  private static String describe(Map<String, String> ended) {
    List<String> parts = new ArrayList<>();
    ended.forEach(
        (id, status) ->
            parts.add(
                id.substring(0, 8)
                    + " "
                    + status
                    + (status.equals("SUCCEEDED")
                        ? ""
                        : " ("
                            + reason(id)
                            + "; events waited up to "
                            + publishLag(id)
                            + " s for Kafka)")));
    return String.join(", ", parts);
  }

  private static String publishLag(String id) {
    try {
      return query(
          "select coalesce(max(extract(epoch from published_at - created_at))::int, -1)"
              + " from orchestrator.events where deployment_id = ?::uuid",
          id);
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String status(String id) {
    try {
      return query("select status from orchestrator.deployments where id = ?::uuid", id);
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String reason(String id) {
    try {
      return query("select reason from orchestrator.deployments where id = ?::uuid", id);
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String query(String sql, String id) throws SQLException {
    try (Connection c = slipway();
        PreparedStatement select = c.prepareStatement(sql)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : "missing";
      }
    }
  }

  private static Connection slipway() throws SQLException {
    return DriverManager.getConnection(slipwayDb, "postgres", "");
  }

  private static Cli.Run cli(String... args) {
    return Cli.as(stack.adminTokenFile(), stack.orchestratorAddress(), args);
  }

  /** Waits for the condition; false on a timeout, which the checks that follow name. */
  private static boolean awaitUntil(Callable<Boolean> condition, Duration atMost) {
    return awaitUntil(condition, atMost, Duration.ofMillis(200));
  }

  private static boolean awaitUntil(Callable<Boolean> condition, Duration atMost, Duration poll) {
    try {
      await()
          .atMost(atMost)
          .pollDelay(Duration.ZERO)
          .pollInterval(poll)
          .ignoreExceptions()
          .until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** A fault's own duration (Kafka stays down 30 s), not a wait for something to happen. */
  private static void pause(Duration duration) throws InterruptedException {
    Thread.sleep(duration);
  }

  private static void acceptForever() {
    while (!healthy.isClosed()) {
      try (Socket ignored = healthy.accept()) {
        // A TCP check needs only the handshake.
      } catch (IOException e) {
        return;
      }
    }
  }
}
