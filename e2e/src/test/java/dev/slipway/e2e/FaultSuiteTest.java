package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Infrastructure;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Releases while Slipway's processes are killed, Kafka stops, PostgreSQL restarts and the webhook
 * receiver misbehaves, on a stack of its own (its own PostgreSQL, its own Kafka broker process).
 * After each iteration an independent check reads the topic, the database, the deploy command's own
 * record of its runs and what the receiver accepted. CI runs each fault once; {@code -Psoak
 * -Dsoak.iterations=N} runs N chosen at random ({@code -Dsoak.seed} repeats a run) and prints the
 * counts.
 */
class FaultSuiteTest {
  enum Fault {
    KILL_ORCHESTRATOR_AT_RANDOM,
    KILL_ORCHESTRATOR_DURING_DEPLOY,
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
  private static Path dir;
  private static RestartablePostgres postgres;
  private static KafkaBrokerProcess kafka;
  private static FaultyWebhook webhook;
  private static ServerSocket healthy;
  private static Stack stack;
  private static String slipwayDb;

  /** Mid-job kills that found the phase already over, by phase. */
  private static final Map<String, Integer> missedPhases = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("slipway-faults");
    postgres = new RestartablePostgres(dir.resolve("pg"));
    postgres.createDatabase("slipway");
    slipwayDb = postgres.jdbcUrl("slipway");
    kafka = KafkaBrokerProcess.start(dir.resolve("kafka"));
    webhook = new FaultyWebhook();
    healthy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(FaultSuiteTest::acceptForever);
    Path home = Path.of(System.getProperty("slipway.home", "..")).toAbsolutePath().normalize();
    stack =
        Stack.start(
            home,
            dir.resolve("stack"),
            new Infrastructure(slipwayDb, "postgres", "", kafka.bootstrapServers()),
            Map.of(
                Service.ORCHESTRATOR,
                Map.of("slipway.runner-lease", "3s"),
                Service.NOTIFIER,
                Map.of(
                    "slipway.notifier.channels.ops.url",
                    webhook.url(),
                    "slipway.notifier.channels.ops.secret",
                    "whsec_" + "c2xpcHdheS1mYXVsdC1zdWl0ZQ==",
                    "slipway.notifier.channels.ops.retry-schedule",
                    "1s,2s,3s,5s,5s,5s,10s,10s,10s")),
            0);
    for (int t = 0; t < TARGETS; t++) {
      // The first target's backup takes a moment (16 MiB that do not compress), so that a kill
      // of the backup-service can land mid-job.
      byte[] content = new byte[t == 0 ? 16 << 20 : 64];
      new Random(t).nextBytes(content);
      Path config = Files.write(dir.resolve("config-" + t), content);
      Path spec =
          Files.writeString(
              dir.resolve("target-" + t + ".yaml"),
              """
              app: faulty-%1$d
              environment: soak
              deploy: { command: ["sh", "-c", "exec 9>>%2$s/${deploymentId}.lock; if flock -n 9; then echo start ${deploymentId} >> %2$s/runs; sleep 1; echo end ${deploymentId} >> %2$s/runs; else echo overlap ${deploymentId} >> %2$s/runs; fi"] }
              backup: { items: [{ type: files, paths: [%3$s] }] }
              health:
                checks: [ { type: tcp, address: "127.0.0.1:%4$d" } ]
                interval: 1s
                successThreshold: 2
              notify:
                - { channel: ops, on: [succeeded, failed, cancelled, rolled_back, rollback_failed] }
              """
                  .formatted(t, dir, config, healthy.getLocalPort()));
      Cli.Run applied = cli("target", "apply", "-f", spec.toString());
      assertThat(applied.exit()).as(applied.all()).isZero();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (healthy != null) {
      healthy.close();
    }
  }

  @Test
  void everyReleaseEndsWithEveryInvariantKeptWhateverFails() throws Exception {
    Fault[] faults = Fault.values();
    int iterations = Integer.getInteger("soak.iterations", faults.length);
    long seed = Long.getLong("soak.seed", System.nanoTime());
    Random random = new Random(seed);
    Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    Map<String, Integer> endings = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      long started = System.nanoTime();
      Fault fault = iterations == faults.length ? faults[i] : faults[random.nextInt(faults.length)];
      List<String> ids = new ArrayList<>();
      List<String> found = iteration(i, fault, random, ids);
      injected.merge(fault, 1, Integer::sum);
      List<String> unsuccessful = new ArrayList<>();
      for (String id : ids) {
        String ending = status(id);
        endings.merge(ending, 1, Integer::sum);
        if (!ending.equals("SUCCEEDED")) {
          unsuccessful.add(id + " " + ending + ": " + reason(id));
        }
      }
      String where = "iteration " + (i + 1) + " (" + fault + "): ";
      found.forEach(v -> violations.add(where + v));
      System.out.printf(
          "fault suite: iteration %d/%d %s in %d s: %d deployment(s)%s, %d violation(s)%n",
          i + 1,
          iterations,
          fault,
          Duration.ofNanos(System.nanoTime() - started).toSeconds(),
          ids.size(),
          unsuccessful.isEmpty() ? "" : " " + unsuccessful,
          found.size());
    }
    System.out.printf(
        "fault suite (seed %d): %d iterations in %d s; faults %s; deployments by end %s;"
            + " mid-job kills that came after the job %s; webhook requests turned away %d;"
            + " %d invariant violation(s)%n",
        seed,
        iterations,
        Duration.ofNanos(System.nanoTime() - began).toSeconds(),
        injected,
        endings,
        missedPhases,
        webhook.refused(),
        violations.size());
    assertThat(violations).isEmpty();
  }

  /** One round: releases on every target, one fault while they run, then the checks. */
  private static List<String> iteration(int n, Fault fault, Random random, List<String> ids)
      throws Exception {
    FaultyWebhook.Mode misbehaviour =
        switch (fault) {
          case WEBHOOK_ANSWERS_500 -> FaultyWebhook.Mode.ERROR;
          case WEBHOOK_HANGS -> FaultyWebhook.Mode.HANG;
          case WEBHOOK_ANSWERS_429 -> FaultyWebhook.Mode.THROTTLE;
          default -> FaultyWebhook.Mode.ACCEPT;
        };
    webhook.behave(misbehaviour);
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
    inject(fault, ids.getFirst(), random);
    webhook.behave(FaultyWebhook.Mode.ACCEPT);
    List<String> violations = new ArrayList<>();
    // One not terminal by then is a violation the checker names.
    awaitUntil(() -> ids.stream().allMatch(FaultSuiteTest::terminal), SETTLE);
    violations.addAll(
        Invariants.violations(kafka.bootstrapServers(), FaultSuiteTest::slipway, Set.copyOf(ids)));
    violations.addAll(deployRuns(ids));
    violations.addAll(notifications(ids));
    return violations;
  }

  private static void inject(Fault fault, String first, Random random) throws Exception {
    switch (fault) {
      case KILL_ORCHESTRATOR_AT_RANDOM -> {
        // Anywhere from a commit not yet published to the relay mid-batch to a running step.
        pause(Duration.ofMillis(random.nextInt(3_000)));
        crash(Service.ORCHESTRATOR);
      }
      case KILL_ORCHESTRATOR_DURING_DEPLOY -> {
        awaitUntil(() -> runs().contains("start " + first), Duration.ofSeconds(90));
        crash(Service.ORCHESTRATOR);
      }
      case KILL_BACKUP_MID_JOB -> crashDuring("BACKUP", first, Service.BACKUP);
      case KILL_HEALTH_MID_JOB -> crashDuring("VERIFY", first, Service.HEALTH);
      case KAFKA_STOPPED_30S -> {
        pause(Duration.ofMillis(random.nextInt(2_000)));
        kafka.stop();
        pause(Duration.ofSeconds(30));
        kafka.start();
      }
      case POSTGRES_RESTARTED -> {
        pause(Duration.ofMillis(random.nextInt(3_000)));
        postgres.restart();
      }
      case WEBHOOK_ANSWERS_500, WEBHOOK_HANGS, WEBHOOK_ANSWERS_429 -> {
        // Misbehaving while the releases end and their notifications go out: longer than the
        // notifier's 10 s request timeout, so a hanging request times out.
        awaitUntil(() -> terminal(first), Duration.ofSeconds(90));
        pause(Duration.ofSeconds(fault == Fault.WEBHOOK_HANGS ? 12 : 5));
      }
    }
  }

  /** Kills the worker once the deployment is in the phase; counts a kill that came too late. */
  private static void crashDuring(String phase, String id, Service worker) throws Exception {
    boolean caught =
        awaitUntil(() -> phase.equals(status(id)), Duration.ofSeconds(60), Duration.ofMillis(20));
    crash(worker);
    if (!caught) {
      missedPhases.merge(phase, 1, Integer::sum);
    }
  }

  private static void crash(Service service) throws Exception {
    stack.kill(service);
    stack.restart(service);
  }

  /** Each deploy ran at most once per attempt of its DEPLOY phase, never two at a time. */
  private static List<String> deployRuns(List<String> ids) throws Exception {
    List<String> violations = new ArrayList<>();
    String runs = runs();
    for (String id : ids) {
      long started = runs.lines().filter(line -> line.equals("start " + id)).count();
      long attempts = deployAttempts(id);
      if (started > attempts) {
        violations.add(
            id + ": the deploy command ran " + started + " times in " + attempts + " attempt(s)");
      }
      if (runs.lines().anyMatch(line -> line.equals("overlap " + id))) {
        violations.add(id + ": a deploy command started while another of the same deployment ran");
      }
    }
    return violations;
  }

  /** Each deployment's one notification reached the receiver once. */
  private static List<String> notifications(List<String> ids) {
    List<String> violations = new ArrayList<>();
    for (String id : ids) {
      String mark = "\"deploymentId\":\"" + id + "\"";
      awaitUntil(
          () -> webhook.accepted().stream().anyMatch(a -> a.body().contains(mark)),
          Duration.ofMinutes(2));
      List<FaultyWebhook.Accepted> arrived =
          webhook.accepted().stream().filter(a -> a.body().contains(mark)).toList();
      if (arrived.size() != 1) {
        violations.add(
            id
                + ": "
                + arrived.size()
                + " notification(s) accepted, webhook-ids "
                + arrived.stream().map(FaultyWebhook.Accepted::id).toList());
      }
    }
    return violations;
  }

  private static long deployAttempts(String id) throws Exception {
    return Long.parseLong(
        query(
            "select count(*) from orchestrator.phases where deployment_id = ?::uuid and phase = 'DEPLOY'",
            id));
  }

  private static boolean terminal(String id) {
    return Set.of("SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED")
        .contains(status(id));
  }

  private static String status(String id) {
    try {
      return query("select status from orchestrator.deployments where id = ?::uuid", id);
    } catch (Exception e) {
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

  private static String runs() {
    try {
      Path runs = dir.resolve("runs");
      return Files.exists(runs) ? Files.readString(runs) : "";
    } catch (IOException e) {
      return "";
    }
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
      await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(poll).until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** A fault's own duration (Kafka stays down 30 s), not a wait for something to happen. */
  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void acceptForever() {
    while (!healthy.isClosed()) {
      try (Socket ignored = healthy.accept()) {
        // A TCP check only needs the handshake.
      } catch (IOException e) {
        return;
      }
    }
  }
}
