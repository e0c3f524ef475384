package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear answer and the right exit code; faults are survived. */
class BadInputAndFaultsTest {
  private static E2eEnvironment env;
  private static Path specs;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
    specs = Files.createTempDirectory("specs");
  }

  @Test
  void anInvalidTargetSpecIsRefusedWithTheFieldsNamedAndNothingStored() throws Exception {
    Path spec =
        write(
            "invalid.yaml",
            """
        app: Bad App
        environment: never-stored
        deploy: { command: ["./deploy.sh", "${tag}"] }
        health:
          checks:
            - { type: smtp, address: "mail:25" }
        """);

    Cli.Run run = Cli.run(env.server(), "target", "apply", "-f", spec.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("app: 'Bad App' must be lowercase")
        .contains("deploy.command[1]: unknown placeholder ${tag}")
        .contains(
            "health.checks[0].type: 'smtp' is not one of: http, tcp, grpc, command, postgres");
    assertThat(Cli.run(env.server(), "target", "list").out()).doesNotContain("never-stored");
  }

  @Test
  void inputThatCouldReachACommandIsRefusedWithItsFieldNamedAndNothingIsStoredOrRun()
      throws Exception {
    Path marker = specs.resolve("x");
    env.apply(
        specs,
        "guarded",
        """
        app: guarded
        environment: qa
        deploy: { command: ["sh", "-c", "touch %s-$0", "${version}"] }
        """
            .formatted(marker));
    String tooLong = "1".repeat(10 * 1024);
    for (String given :
        List.of(
            "1.0;rm -rf /",
            "$(touch " + marker + ")",
            "../../etc",
            tooLong,
            "1.0\n2.0",
            "1.0\u0001",
            "`id`")) {
      Cli.Run run =
          Cli.run(env.server(), "deploy", "--app", "guarded", "--env", "qa", "--version", given);
      assertThat(run.exit()).as(given).isEqualTo(2);
      assertThat(run.err()).as(given).contains("version: ");
      assertThat(run.err().length()).as("the answer stays short").isLessThan(2_000);
    }
    for (String[] bad :
        List.of(
            new String[] {"--app", "../../etc", "--env", "qa"},
            new String[] {"--app", "guarded", "--env", "qa;reboot"})) {
      Cli.Run run =
          Cli.run(env.server(), "deploy", bad[0], bad[1], bad[2], bad[3], "--version", "1.0.0");
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err()).contains(bad[1].startsWith("..") ? "app: " : "environment: ");
    }
    Cli.Run token =
        Cli.run(
            env.server(),
            "token",
            "create",
            "--name",
            "../root",
            "--scope",
            "read",
            "--scope",
            "deploy:$(id)");
    assertThat(token.exit()).isEqualTo(2);
    assertThat(token.err()).contains("name: ").contains("scopes[1]: ");
    Cli.Run secret =
        Cli.run(
            env.server(),
            "secret",
            "set",
            "Bad Name",
            "--file",
            write("value.txt", "v").toString());
    assertThat(secret.exit()).isEqualTo(2);
    assertThat(secret.err()).contains("name: ");

    assertThat(Cli.run(env.server(), "history", "--app", "guarded", "-o", "json").out())
        .doesNotContain("\"id\"");
    try (var files = Files.list(specs)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .as("nothing ran")
          .noneMatch(n -> n.startsWith("x"));
    }
  }

  @Test
  void aBackupPathShapedLikeATarOptionIsAFileNameAndRunsNothing() throws Exception {
    Path ran = specs.resolve("tar-ran-a-command");
    env.apply(
        specs,
        "tar-injection",
        """
        app: tar-injection
        environment: qa
        deploy: { command: ["true"] }
        backup:
          items:
            - { type: files, paths: ["/--checkpoint=1", "/--checkpoint-action=exec=touch %s"] }
        """
            .formatted(ran));

    Cli.Run run =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "tar-injection",
            "--env",
            "qa",
            "--version",
            "1.0.0",
            "--wait",
            "--timeout",
            "1m");

    assertThat(run.exit()).as("failed before anything changed: " + run.all()).isEqualTo(1);
    assertThat(run.all()).contains("BACKUP failed").contains("Cannot stat");
    assertThat(ran).as("tar read the paths as file names, not options").doesNotExist();
  }

  @Test
  void anEndpointThatAnswersGoneIsDisabledAndNeverCalledAgain() throws Exception {
    env.apply(
        specs,
        "retiring",
        """
        app: retiring
        environment: qa
        deploy: { command: ["true"] }
        notify: [ { channel: retired, on: [succeeded] } ]
        """);
    for (String version : List.of("1.0.0", "1.0.1")) {
      Cli.Run run =
          Cli.run(
              env.server(),
              "deploy",
              "--app",
              "retiring",
              "--env",
              "qa",
              "--version",
              version,
              "--wait");
      assertThat(run.exit()).as(run.all()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(
                          "select count(*) from notifier.deliveries d"
                              + " join orchestrator.deployments o on o.id = d.deployment_id where o.app = 'retiring' and o.version = '"
                              + version
                              + "' and d.status = 'FAILED'")
                      == 1);
    }
    assertThat(env.webhook.goneHits())
        .as("one request, then the endpoint is left alone")
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from notifier.delivery_attempts a join notifier.deliveries d on d.id = a.delivery_id"
                    + " join orchestrator.deployments o on o.id = d.deployment_id where o.app = 'retiring'"
                    + " and a.detail like '%endpoint disabled%'"))
        .isEqualTo(2);
    assertThat(count("select count(*) from notifier.disabled_endpoints where channel = 'retired'"))
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from notifier.disabled_endpoints where channel = 'retired'"
                    + " and url like 'sha256:%' and url not like '%/gone%'"))
        .as("the retired URL is kept as a digest, never as itself")
        .isEqualTo(1);
  }

  @Test
  void anUnknownFieldIsNamed() throws Exception {
    Cli.Run run =
        Cli.run(
            env.server(),
            "target",
            "apply",
            "-f",
            write(
                    "unknown.yaml",
                    "app: shop\nenvironment: qa\ndeploy: { command: [\"true\"], retries: 3 }\n")
                .toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("retries").contains("CommandStep");
  }

  @Test
  void deployingToAnUnknownTargetIsNotFound() {
    Cli.Run run =
        Cli.run(env.server(), "deploy", "--app", "ghost", "--env", "prod", "--version", "1.0.0");
    assertThat(run.exit()).isEqualTo(13);
    assertThat(run.err()).contains("no target ghost/prod");
  }

  @Test
  void aMissingOptionIsAUsageError() {
    Cli.Run run = Cli.run(env.server(), "deploy", "--app", "ghost", "--env", "prod");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--version");
  }

  @Test
  void anUnreachableOrchestratorIsExit11() {
    Cli.Run run = Cli.run("127.0.0.1:1", "status");
    assertThat(run.exit()).isEqualTo(11);
    assertThat(run.err()).contains("cannot connect to the Slipway orchestrator at 127.0.0.1:1");
  }

  @Test
  void aFailingPreflightFailsBeforeAnythingChanges() throws Exception {
    env.apply(
        specs,
        "gate",
        """
        app: gate
        environment: qa
        deploy: { command: ["touch", "%s"] }
        preflight: { checks: [ { type: tcp, address: "127.0.0.1:1" } ] }
        health: { interval: 200ms, failureThreshold: 2 }
        """
            .formatted(specs.resolve("gate-deployed")));

    Cli.Run run =
        Cli.run(
            env.server(), "deploy", "--app", "gate", "--env", "qa", "--version", "1.0.0", "--wait");

    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    assertThat(run.all()).contains("PREFLIGHT failed: check 'tcp 127.0.0.1:1' failed");
    assertThat(specs.resolve("gate-deployed")).as("the deploy command never ran").doesNotExist();
  }

  @Test
  void aSecondDeployWhileOneRunsIsRefusedNamingTheActiveOneAndAnIdempotentRetryIsTheSameDeployment()
      throws Exception {
    env.apply(
        specs,
        "slow",
        """
        app: slow
        environment: qa
        deploy: { command: ["sleep", "3"] }
        """);

    Cli.Run first =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "slow",
            "--env",
            "qa",
            "--version",
            "1.0.0",
            "--idempotency-key",
            "ci-job-42",
            "-o",
            "json");
    assertThat(first.exit()).isZero();
    String id = E2eEnvironment.deployment(first.out()).getId();

    Cli.Run retry =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "slow",
            "--env",
            "qa",
            "--version",
            "1.0.0",
            "--idempotency-key",
            "ci-job-42",
            "-o",
            "json");
    assertThat(retry.exit()).isZero();
    assertThat(E2eEnvironment.deployment(retry.out()).getId())
        .as("the retried create returns the same deployment")
        .isEqualTo(id);

    Cli.Run second =
        Cli.run(env.server(), "deploy", "--app", "slow", "--env", "qa", "--version", "1.0.1");
    assertThat(second.exit()).isEqualTo(12);
    assertThat(second.err()).contains("busy").contains(id);

    Cli.Run impatient =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "slow",
            "--env",
            "qa",
            "--version",
            "1.0.0",
            "--idempotency-key",
            "ci-job-42",
            "--wait",
            "--timeout",
            "1s");
    assertThat(impatient.exit()).as("still running when --timeout passed").isEqualTo(3);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        E2eEnvironment.deployment(
                                Cli.run(env.server(), "status", id, "-o", "json").out())
                            .getStatus()
                            .name())
                    .isEqualTo("DEPLOYMENT_STATUS_SUCCEEDED"));
    assertThat(
            count(
                "select count(*) from orchestrator.deployments where idempotency_key = 'ci-job-42'"))
        .isEqualTo(1);
  }

  @Test
  void aDeploymentThatChangedNothingYetCanBeCancelledAndItsWaiterExitsWith4() throws Exception {
    env.apply(
        specs,
        "patient",
        """
        app: patient
        environment: qa
        deploy: { command: ["true"] }
        preflight: { checks: [ { type: tcp, address: "127.0.0.1:1" } ] }
        health: { interval: 300ms, failureThreshold: 200 }
        """);
    String id =
        E2eEnvironment.deployment(
                Cli.run(
                        env.server(),
                        "deploy",
                        "--app",
                        "patient",
                        "--env",
                        "qa",
                        "--version",
                        "1.0.0",
                        "--idempotency-key",
                        "patient-1",
                        "-o",
                        "json")
                    .out())
            .getId();
    CompletableFuture<Cli.Run> waiter =
        CompletableFuture.supplyAsync(
            () ->
                Cli.run(
                    env.server(),
                    "deploy",
                    "--app",
                    "patient",
                    "--env",
                    "qa",
                    "--version",
                    "1.0.0",
                    "--idempotency-key",
                    "patient-1",
                    "--wait",
                    "--timeout",
                    "2m"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> env.status(id).getStatus().name().endsWith("PREFLIGHT"));

    Cli.Run cancel = Cli.run(env.server(), "cancel", id, "--reason", "wrong build");

    assertThat(cancel.exit()).as(cancel.all()).isZero();
    assertThat(cancel.out()).contains("CANCELLED").contains("wrong build");
    assertThat(waiter.get(30, TimeUnit.SECONDS).exit()).isEqualTo(4);
    assertThat(env.status(id).getPhasesList())
        .extracting(p -> p.getPhase() + " " + p.getOutcome() + " " + p.getSummary())
        .as("the phase under way ended with the deployment")
        .containsExactly(
            "PHASE_PREFLIGHT PHASE_OUTCOME_FAILED cancelled: wrong build (cancelled by admin)");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        count(
                            "select count(*) from health.phase_jobs where deployment_id = '"
                                + id
                                + "' and status = 'STOPPED'"))
                    .as("the health-service stopped checking")
                    .isEqualTo(1));
    Cli.Run again = Cli.run(env.server(), "cancel", id);
    assertThat(again.exit()).isEqualTo(12);
    assertThat(again.err()).contains("already finished as CANCELLED");
  }

  @Test
  void anUndecodableRecordGoesToTheDeadLetterTopicAndConsumptionGoesOn() throws Exception {
    env.apply(
        specs,
        "probe",
        """
        app: probe
        environment: qa
        deploy: { command: ["true"] }
        preflight: { checks: [ { type: tcp, address: "127.0.0.1:%d" } ] }
        """
            .formatted(env.stack.port(dev.slipway.devstack.Service.ORCHESTRATOR)));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.infrastructure.kafkaBootstrap()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.DEPLOYMENTS,
                  "probe/qa".getBytes(StandardCharsets.UTF_8),
                  "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1)))
          .get();
    }

    List<ConsumerRecord<byte[], byte[]>> dead =
        AuditTopic.read(
            env.infrastructure.kafkaBootstrap(),
            Topics.DEPLOYMENTS_DLQ,
            r ->
                "slipway-health-service".equals(AuditTopic.header(r, "slipway_dlq_consumer_group")),
            Duration.ofSeconds(30));
    assertThat(dead)
        .anySatisfy(
            r -> {
              assertThat(AuditTopic.header(r, "slipway_dlq_reason")).contains("undecodable");
              assertThat(AuditTopic.header(r, "slipway_dlq_topic")).isEqualTo(Topics.DEPLOYMENTS);
              assertThat(AuditTopic.header(r, "slipway_dlq_consumer_group"))
                  .isEqualTo("slipway-health-service");
            });

    Cli.Run run =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "probe",
            "--env",
            "qa",
            "--version",
            "1.0.0",
            "--wait",
            "--timeout",
            "1m");
    assertThat(run.exit())
        .as("the health-service went on to run this preflight: " + run.all())
        .isZero();
  }

  private static Path write(String name, String content) throws Exception {
    return Files.writeString(specs.resolve(name), content);
  }

  private static long count(String sql) throws Exception {
    try (var c = env.slipway();
        var statement = c.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
