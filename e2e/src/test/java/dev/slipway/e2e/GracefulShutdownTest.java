package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Service;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.PhaseRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of every service during a release: each service stops on SIGTERM within its
 * bound, finishing or handing back what it holds, and the release loses nothing.
 */
class GracefulShutdownTest {
  /** The services' grace (20 s by default) plus the time to stop what is handed back. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(40);

  @Test
  void aRollingRestartOfEveryServiceDuringAReleaseLosesNothing() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "rolled-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("rolled");
    Path marker = dir.resolve("deploys");
    Path config = Files.writeString(dir.resolve("app.conf"), "workers = 2\n");
    env.apply(
        dir,
        app,
        """
        app: %1$s
        environment: e2e
        deploy:
          command: ["sh", "-c", "echo start ${version} >> %2$s; sleep 4; echo end ${version} >> %2$s"]
        backup: { items: [{ type: files, paths: [%3$s] }] }
        health:
          checks: [ { type: tcp, address: "127.0.0.1:%4$d" } ]
          interval: 1s
          successThreshold: 10
        notify:
          - { channel: ops, on: [succeeded] }
        """
            .formatted(app, marker, config, env.stack.port(Service.ORCHESTRATOR)));
    Cli.Run started = env.deploy(env.server(), app, "e2e", "1.0.0");
    assertThat(started.exit()).as(started.all()).isZero();
    String id = E2eEnvironment.deployment(started.out()).getId();

    // The orchestrator mid-DEPLOY: its command finishes within the grace and is reported.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(marker) && Files.readString(marker).contains("start"));
    restart(env, Service.ORCHESTRATOR);
    assertThat(Files.readAllLines(marker))
        .as("the command ran to its end before the orchestrator exited")
        .containsExactly("start 1.0.0", "end 1.0.0");

    // The health-service mid-VERIFY: ten rounds outlast its 3 s grace, so it hands the job back.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_VERIFY);
    await()
        .atMost(Duration.ofSeconds(60))
        .alias("the health-service has the VERIFY job: a round of it is recorded")
        .until(
            () ->
                !HealthHistoryTest.json(Cli.run(env.server(), "health", id, "-o", "json"))
                    .isEmpty());
    restart(env, Service.HEALTH);
    restart(env, Service.BACKUP);
    restart(env, Service.NOTIFIER);

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    Deployment done = env.status(id);
    assertThat(done.getPhasesList())
        .extracting(PhaseRecord::getPhase, PhaseRecord::getAttempt, PhaseRecord::getOutcome)
        .as("one attempt of each phase, none lost or repeated")
        .extracting(Object::toString)
        .containsExactly(
            "(PHASE_BACKUP, 1, PHASE_OUTCOME_SUCCEEDED)",
            "(PHASE_DEPLOY, 1, PHASE_OUTCOME_SUCCEEDED)",
            "(PHASE_VERIFY, 1, PHASE_OUTCOME_SUCCEEDED)");
    assertThat(Files.readAllLines(marker)).containsExactly("start 1.0.0", "end 1.0.0");
    assertThat(Files.readAllLines(env.workDir.resolve("logs").resolve("health-service.log")))
        .as("the VERIFY job was handed back, not left for its lease to run out")
        .anyMatch(
            line ->
                line.contains("\"deployment_id\":\"" + id + "\"")
                    && line.contains("the job handed back"));

    List<DeploymentEvent> events =
        AuditTopic.read(
                env.infrastructure.kafkaBootstrap(),
                Topics.DEPLOYMENTS,
                r -> {
                  DeploymentEvent e = AuditTopic.decode(r);
                  return e.getDeploymentId().equals(id) && e.hasFinished();
                },
                Duration.ofSeconds(60))
            .stream()
            .map(AuditTopic::decode)
            .filter(e -> e.getDeploymentId().equals(id))
            .toList();
    assertThat(events.getLast().getFinished().getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(events)
        .extracting(DeploymentEvent::getSequence)
        .as("every event on the topic once, in order")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());

    assertThat(Invariants.violations(env, java.util.Set.of(id))).isEmpty();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        env.webhook.received().stream()
                            .filter(hook -> hook.body().contains(id))
                            .map(WebhookReceiver.Received::id)
                            .toList())
                    .as("the succeeded notification, delivered once")
                    .hasSize(1));
  }

  /** SIGTERM, which must end the service in time and without SIGKILL; then it starts again. */
  private static void restart(E2eEnvironment env, Service service) throws Exception {
    long stopping = System.nanoTime();
    int exit = env.stack.stop(service);
    Duration took = Duration.ofNanos(System.nanoTime() - stopping);
    assertThat(took).as("%s stopped within its bound", service).isLessThan(STOP_BOUND);
    assertThat(exit).as("%s exited on its own after SIGTERM", service).isEqualTo(143);
    env.stack.restart(service);
  }
}
