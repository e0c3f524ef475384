package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Service;
import dev.slipway.devstack.ServiceProcess;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrators and two of each worker on one PostgreSQL and one Kafka: releases on many
 * targets spread across them, and killing the orchestrator that relays the outbox hands publishing
 * to the other within seconds, each target's events still in order, and the step it was running to
 * the other at once.
 */
class ReplicasTest {
  private static final int TARGETS = 12;
  private static final String RELAYS = "this replica relays the outbox";

  @Test
  void releasesSpreadOverTheReplicasAndTheRelayMovesWhenItsLeaderIsKilled() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("replicas");
    List<ServiceProcess> replicas = new ArrayList<>();
    boolean leaderKilled = false;
    try {
      ServiceProcess second = env.stack.startReplica(Service.ORCHESTRATOR, env.server());
      replicas.add(second);
      for (Service worker : List.of(Service.BACKUP, Service.HEALTH, Service.NOTIFIER)) {
        replicas.add(env.stack.startReplica(worker, second.address()));
      }
      for (Service worker : List.of(Service.BACKUP, Service.HEALTH, Service.NOTIFIER)) {
        awaitTwoConsumers(env, "slipway-" + worker.module());
      }

      Map<String, String> releases = new LinkedHashMap<>();
      for (int i = 0; i < TARGETS; i++) {
        String app = "spread-" + run + "-" + i;
        env.apply(
            dir,
            app,
            """
            app: %s
            environment: e2e
            deploy: { command: ["sh", "-c", "echo deploying ${version}"] }
            health:
              checks: [ { type: tcp, address: "%s" } ]
              interval: 1s
            """
                .formatted(app, second.address()));
        // Half the releases are asked of each orchestrator.
        releases.put(app, deploy(i % 2 == 0 ? env.server() : second.address(), app));
      }
      for (String id : releases.values()) {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> status(second.address(), id) == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      }
      Path firstLog = env.workDir.resolve("logs").resolve("orchestrator.log");
      assertThat(ranOn(firstLog, releases.values(), "DEPLOY attempt 1: running"))
          .as("the first orchestrator ran deploys")
          .isPositive();
      assertThat(ranOn(second.log(), releases.values(), "DEPLOY attempt 1: running"))
          .as("the second orchestrator ran deploys")
          .isPositive();
      Path healthLog = env.workDir.resolve("logs").resolve("health-service.log");
      Path healthReplicaLog = replicas.get(2).log();
      assertThat(ranOn(healthLog, releases.values(), "VERIFY attempt 1 of"))
          .as("the first health-service verified releases")
          .isPositive();
      assertThat(ranOn(healthReplicaLog, releases.values(), "VERIFY attempt 1 of"))
          .as("the second health-service verified releases")
          .isPositive();
      assertThat(Files.readString(firstLog)).contains(RELAYS);
      assertThat(Files.readString(second.log())).doesNotContain(RELAYS);

      String after = "after-" + run;
      env.apply(
          dir,
          after,
          """
          app: %s
          environment: e2e
          deploy: { command: ["true"] }
          """
              .formatted(after));
      // A step running on the orchestrator about to be killed: the other replica, on this host,
      // sees its process gone and resumes it without waiting for the lease to run out.
      String inflight = "inflight-" + run;
      Path marker = dir.resolve("inflight-runs");
      env.apply(
          dir,
          inflight,
          """
          app: %1$s
          environment: e2e
          deploy: { command: ["sh", "-c", "echo start >> %2$s; sleep 4; echo end >> %2$s"] }
          """
              .formatted(inflight, marker));
      String inflightId = deploy(env.server(), inflight);
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
      env.stack.kill(Service.ORCHESTRATOR);
      leaderKilled = true;
      long killed = System.nanoTime();
      String afterId = deploy(second.address(), after);
      List<DeploymentEvent> published =
          events(env, e -> e.getDeploymentId().equals(afterId) && e.hasFinished());
      Duration handedOver = Duration.ofNanos(System.nanoTime() - killed);
      System.out.println(
          "relay leader killed; a release asked after it published in " + handedOver);
      assertThat(published)
          .as("the release asked after the kill is on the topic")
          .anyMatch(e -> e.getDeploymentId().equals(afterId) && e.hasFinished());
      assertThat(handedOver)
          .as("publishing handed over within seconds")
          .isLessThan(Duration.ofSeconds(20));
      assertThat(Files.readString(second.log())).contains(RELAYS);
      releases.put(after, afterId);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  status(second.address(), inflightId)
                      == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      assertThat(
              E2eEnvironment.deployment(
                      Cli.run(second.address(), "status", inflightId, "-o", "json").out())
                  .getPhasesList()
                  .stream()
                  .filter(p -> p.getPhase() == Phase.PHASE_DEPLOY)
                  .map(p -> p.getAttempt() + " " + p.getOutcome() + " " + p.getSummary()))
          .as("resumed because its runner's process was gone, before its lease ran out")
          .satisfiesExactly(
              first ->
                  assertThat(first)
                      .startsWith("1 PHASE_OUTCOME_ERRORED runner lost (its orchestrator process")
                      .endsWith("is gone); retrying"),
              resumed -> assertThat(resumed).startsWith("2 PHASE_OUTCOME_SUCCEEDED"));
      assertThat(Files.readAllLines(marker))
          .as("the killed runner's command died with it; the resumed one ran to its end")
          .containsExactly("start", "start", "end");

      Map<String, List<Long>> sequences = new LinkedHashMap<>();
      for (DeploymentEvent event : published) {
        if (releases.containsValue(event.getDeploymentId())) {
          sequences
              .computeIfAbsent(event.getDeploymentId(), k -> new ArrayList<>())
              .add(event.getSequence());
        }
      }
      assertThat(sequences).as("every release on the topic").hasSize(releases.size());
      assertThat(sequences.values())
          .as("each release's events once each, in order")
          .allSatisfy(
              seen ->
                  assertThat(seen)
                      .containsExactlyElementsOf(
                          LongStream.rangeClosed(1, seen.size()).boxed().toList()));
      releases.put(inflight, inflightId);
      assertThat(Invariants.violations(env, java.util.Set.copyOf(releases.values())))
          .as("checked independently on the topic and in the database")
          .isEmpty();
    } finally {
      if (leaderKilled) {
        env.stack.restart(Service.ORCHESTRATOR);
      }
      for (ServiceProcess replica : replicas) {
        replica.close();
      }
    }
  }

  private static String deploy(String server, String app) throws Exception {
    Cli.Run started = E2eEnvironment.get().deploy(server, app, "e2e", "1.0.0");
    assertThat(started.exit()).as(started.all()).isZero();
    return E2eEnvironment.deployment(started.out()).getId();
  }

  private static DeploymentStatus status(String server, String id) throws Exception {
    return E2eEnvironment.deployment(Cli.run(server, "status", id, "-o", "json").out()).getStatus();
  }

  /** How many of the releases a service's log says it did this for. */
  private static long ranOn(Path log, Iterable<String> ids, String what) throws Exception {
    List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(what)).toList();
    long count = 0;
    for (String id : ids) {
      if (lines.stream().anyMatch(l -> l.contains(id))) {
        count++;
      }
    }
    return count;
  }

  /** The topic's events, in the order each partition holds them, until one matches. */
  private static List<DeploymentEvent> events(
      E2eEnvironment env, java.util.function.Predicate<DeploymentEvent> until) {
    List<ConsumerRecord<byte[], byte[]>> records =
        AuditTopic.read(
            env.infrastructure.kafkaBootstrap(),
            Topics.DEPLOYMENTS,
            r -> until.test(AuditTopic.decode(r)),
            Duration.ofSeconds(30));
    return records.stream().map(AuditTopic::decode).toList();
  }

  /** Waits until both members of a worker's consumer group have partitions. */
  private static void awaitTwoConsumers(E2eEnvironment env, String group) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.infrastructure.kafkaBootstrap()))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                ConsumerGroupDescription description =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return description.members().size() == 2
                    && description.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }
}
