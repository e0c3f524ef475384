package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.HealthVerdict;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The standing watch: between releases the health-service keeps checking the running version; a
 * change of verdict is one event on the topic and one notification each way, shown by status and
 * the ledger, and nothing is reported while a release of the target runs.
 */
class StandingWatchTest {
  private HttpServer app;
  private final AtomicInteger answer = new AtomicInteger(200);
  private final AtomicInteger probes = new AtomicInteger();

  @BeforeEach
  void startApp() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/health",
        exchange -> {
          probes.incrementAndGet();
          exchange.sendResponseHeaders(answer.get(), -1);
          exchange.close();
        });
    app.start();
  }

  @AfterEach
  void stopApp() {
    app.stop(0);
  }

  @Test
  void verdictChangesAreEventsAndNotificationsAndNoneWhileAReleaseRuns() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String name = "watched-" + UUID.randomUUID().toString().substring(0, 6);
    env.apply(Files.createTempDirectory("watched"), name, spec(name, 0));
    Cli.Run first = env.deployAndWait(name, "1.0.0");
    assertThat(first.exit()).as(first.all()).isZero();
    String release = E2eEnvironment.deployment(first.out()).getId();

    int verified = probes.get();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(probes.get())
                    .as("watch rounds after the release")
                    .isGreaterThan(verified + 2));
    Cli.Run healthy = Cli.run(env.server(), "status", "--app", name, "--env", "e2e");
    assertThat(healthy.out()).as(healthy.all()).contains("health: HEALTHY for");

    answer.set(503);
    DeploymentEvent unhealthy = awaitVerdicts(env, name, 1).getLast();
    assertThat(unhealthy.getHealthChanged().getVerdict())
        .isEqualTo(HealthVerdict.HEALTH_VERDICT_UNHEALTHY);
    assertThat(unhealthy.getHealthChanged().getPrevious())
        .isEqualTo(HealthVerdict.HEALTH_VERDICT_HEALTHY);
    assertThat(unhealthy.getHealthChanged().getVersion()).isEqualTo("1.0.0");
    assertThat(unhealthy.getHealthChanged().getDeploymentId()).isEqualTo(release);
    assertThat(unhealthy.getHealthChanged().getSummary())
        .startsWith("check 'app' failed 2 rounds in a row: ")
        .endsWith("HTTP 503 (expected 200)");
    assertThat(unhealthy.getDeploymentId()).as("a target event").isEmpty();
    assertThat(unhealthy.getSequence()).isZero();
    Cli.Run status = Cli.run(env.server(), "status", "--app", name, "--env", "e2e");
    assertThat(status.out()).as(status.all()).contains("health: UNHEALTHY for");
    Cli.Run ledger = Cli.run(env.server(), "ledger", "--app", name, "--env", "e2e");
    assertThat(ledger.out()).as(ledger.all()).contains("health: UNHEALTHY for");

    answer.set(200);
    List<DeploymentEvent> both = awaitVerdicts(env, name, 2);
    assertThat(both.getLast().getHealthChanged().getVerdict())
        .isEqualTo(HealthVerdict.HEALTH_VERDICT_HEALTHY);
    assertThat(both.getLast().getHealthChanged().getSummary())
        .isEqualTo("1 check(s) passed 1 round(s) in a row");

    // A slow release: the app fails during its deploy and recovers before its VERIFY.
    env.apply(Files.createTempDirectory("watched"), name, spec(name, 6));
    Cli.Run started = env.deploy(env.server(), name, "e2e", "2.0.0");
    assertThat(started.exit()).as(started.all()).isZero();
    String second = E2eEnvironment.deployment(started.out()).getId();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> env.status(second).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);
    answer.set(503);
    // Failing for four watch rounds' worth, long enough for the watch to call it unhealthy.
    noNewVerdictFor(env, name, Duration.ofSeconds(4));
    answer.set(200);
    Deployment done =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> env.status(second), d -> d.hasFinishedAt());
    assertThat(done.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    noNewVerdictFor(env, name, Duration.ofSeconds(3)); // the new version's first rounds
    List<DeploymentEvent> after = verdicts(env, name);
    assertThat(after).as("no verdict while the release ran, nor after it").hasSize(2);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(notified(env, name))
                    .as("one notification each way, none for the release")
                    .containsExactly("target.unhealthy", "target.healthy"));
    assertThat(Invariants.violations(env, Set.of(release, second))).isEmpty();
  }

  /** A target checked at the app's /health, watched every second; its deploy takes slow s. */
  private String spec(String name, int slow) {
    return """
        app: %s
        environment: e2e
        deploy: { command: ["sleep", "%d"] }
        health:
          interval: 200ms
          failureThreshold: 2
          checks: [{ type: http, name: app, url: "http://127.0.0.1:%d/health" }]
        watch: { interval: 1s }
        notify:
          - { channel: ops, on: [unhealthy, healthy] }
        """
        .formatted(name, slow, app.getAddress().getPort());
  }

  /** The target's two verdicts stay the only ones for {@code quiet}. */
  private static void noNewVerdictFor(E2eEnvironment env, String name, Duration quiet) {
    await()
        .during(quiet)
        .atMost(quiet.plusSeconds(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> verdicts(env, name).size() == 2);
  }

  private static List<DeploymentEvent> awaitVerdicts(E2eEnvironment env, String name, int count) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> verdicts(env, name), events -> events.size() >= count);
  }

  private static List<DeploymentEvent> verdicts(E2eEnvironment env, String name) {
    return AuditTopic.readAll(
            env.infrastructure.kafkaBootstrap(), Topics.DEPLOYMENTS, Duration.ofSeconds(30))
        .stream()
        .map(AuditTopic::decode)
        .filter(e -> e.getTarget().getApp().equals(name) && e.hasHealthChanged())
        .toList();
  }

  private static List<String> notified(E2eEnvironment env, String name) {
    return env.webhook.received().stream()
        .map(WebhookReceiver.Received::body)
        .filter(body -> body.contains("\"app\":\"" + name + "\""))
        .map(body -> body.replaceAll("(?s).*\"type\":\"([^\"]+)\".*", "$1"))
        .toList();
  }
}
