package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.EmbeddedKafkaBroker;
import dev.slipway.devstack.Infrastructure;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import dev.slipway.devstack.StackTls;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.testkit.TestInfrastructure;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A second stack with TLS on every server and client, under a certificate made for this test. */
class TlsTest {
  private static Path dir;
  private static SelfSignedCertificate certificate;
  private static WebhookReceiver webhook;
  private static EmbeddedKafkaBroker kafka;
  private static Stack stack;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("slipway-tls");
    certificate = SelfSignedCertificate.create(dir, "slipway");
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    webhook = new WebhookReceiver();
    // Its own broker: on the shared one its workers would join the e2e stack's consumer groups.
    kafka = EmbeddedKafkaBroker.start();
    Path home = Path.of(System.getProperty("slipway.home", "..")).toAbsolutePath().normalize();
    stack =
        Stack.start(
            home,
            dir.resolve("stack"),
            new Infrastructure(
                infrastructure.createDatabase("slipway_tls"),
                infrastructure.user(),
                infrastructure.password(),
                kafka.bootstrapServers()),
            Map.of(
                Service.NOTIFIER,
                Map.of(
                    "slipway.notifier.channels.ops.url",
                    webhook.url(),
                    "slipway.notifier.channels.ops.secret",
                    "whsec_dGxzLXRlc3Qtc2VjcmV0LWtleQ==")),
            0,
            new StackTls(
                certificate.certificate(), certificate.privateKey(), certificate.certificate()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    webhook.close();
  }

  @Test
  void everyServiceAnswersOnlyAClientThatTrustsItsCertificate() throws Exception {
    SelfSignedCertificate stranger = SelfSignedCertificate.create(dir, "stranger");
    for (Service service : Service.values()) {
      assertThat(
              health(
                  service,
                  TlsChannelCredentials.newBuilder()
                      .trustManager(certificate.certificate().toFile())
                      .build()))
          .as(service.module() + " over TLS")
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThatThrownBy(() -> health(service, InsecureChannelCredentials.create()))
          .as(service.module() + " refuses plaintext")
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThatThrownBy(
              () ->
                  health(
                      service,
                      TlsChannelCredentials.newBuilder()
                          .trustManager(stranger.certificate().toFile())
                          .build()))
          .as(service.module() + " is not trusted under another CA")
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void aReleaseWithBackupVerificationAndNotificationRunsOverTls() throws Exception {
    Path workdir = Files.createDirectories(dir.resolve("app"));
    Files.writeString(workdir.resolve("config.txt"), "colour=blue\n");
    try (ServerSocket app = new ServerSocket(0)) {
      Path spec =
          Files.writeString(
              workdir.resolve("tls-app.yaml"),
              """
          app: tls-app
          environment: secure
          deploy: { command: ["sh", "-c", "echo ${version} > %1$s/version"] }
          backup:
            items:
              - { type: files, paths: [%1$s/config.txt] }
          health:
            checks:
              - { type: tcp, address: "127.0.0.1:%2$d" }
            interval: 1s
          notify:
            - { channel: ops, on: [succeeded] }
          """
                  .formatted(workdir, app.getLocalPort()));
      assertThat(tls("target", "apply", "-f", spec.toString()).exit()).isZero();

      Cli.Run run =
          tls(
              "deploy",
              "--app",
              "tls-app",
              "--env",
              "secure",
              "--version",
              "1.2.3",
              "--wait",
              "--timeout",
              "2m",
              "-o",
              "json");

      assertThat(run.exit()).as(run.all()).isZero();
      Deployment deployment = E2eEnvironment.deployment(run.out());
      assertThat(deployment.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      assertThat(deployment.getPhasesList())
          .as("each worker fetched its step context and reported over TLS")
          .extracting(p -> p.getPhase().name() + " " + p.getOutcome())
          .containsExactly(
              "PHASE_BACKUP " + PhaseOutcome.PHASE_OUTCOME_SUCCEEDED,
              "PHASE_DEPLOY " + PhaseOutcome.PHASE_OUTCOME_SUCCEEDED,
              "PHASE_VERIFY " + PhaseOutcome.PHASE_OUTCOME_SUCCEEDED);
      assertThat(Files.readString(workdir.resolve("version"))).isEqualTo("1.2.3\n");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(webhook.received())
                      .anySatisfy(
                          hook ->
                              assertThat(hook.body())
                                  .contains("\"deploymentId\":\"" + deployment.getId() + "\"")
                                  .contains("\"type\":\"deployment.succeeded\"")));
    }

    Cli.Run plaintext = Cli.as(stack.adminTokenFile(), stack.orchestratorAddress(), "status");
    assertThat(plaintext.exit()).as("a CLI without --ca-file cannot connect").isEqualTo(11);
  }

  private static Cli.Run tls(String... args) {
    String[] line = new String[args.length + 2];
    line[0] = "--ca-file";
    line[1] = certificate.certificate().toString();
    System.arraycopy(args, 0, line, 2, args.length);
    return Cli.as(stack.adminTokenFile(), stack.orchestratorAddress(), line);
  }

  private static HealthCheckResponse.ServingStatus health(
      Service service, ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + stack.port(service), credentials).build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      channel.shutdownNow();
    }
  }
}
