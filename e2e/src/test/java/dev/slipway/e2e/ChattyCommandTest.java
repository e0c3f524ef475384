package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetStepLogsRequest;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseRecord;
import dev.slipway.proto.v1.StepLogPage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deploy command that prints 50 MB: the release is judged on its health, not on its output. */
class ChattyCommandTest {
  @Test
  void aDeployThatPrintsFiftyMegabytesIsVerifiedNotifiedAndItsLogIsPaged() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Path dir = Files.createTempDirectory("chatty");
    try (ServerSocket app = new ServerSocket(0)) {
      env.apply(
          dir,
          "chatty",
          """
          app: chatty
          environment: qa
          deploy:
            command: ["sh", "-c", "head -c 50000000 /dev/zero | tr '\\\\0' x | fold -w 5000; echo deployed ${version}"]
          health:
            checks: [ { type: tcp, address: "127.0.0.1:%d" } ]
            interval: 1s
          notify:
            - { channel: ops, on: [succeeded] }
          """
              .formatted(app.getLocalPort()));

      Cli.Run run =
          Cli.run(
              env.server(),
              "deploy",
              "--app",
              "chatty",
              "--env",
              "qa",
              "--version",
              "1.0.0",
              "--wait",
              "--timeout",
              "3m",
              "-o",
              "json");

      assertThat(run.exit()).as(run.err()).isZero();
      Deployment deployment = E2eEnvironment.deployment(run.out());
      assertThat(deployment.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      assertThat(run.out().length())
          .as("the answer carries a tail of the log, not the log")
          .isLessThan(200_000);
      PhaseRecord deploy =
          deployment.getPhasesList().stream()
              .filter(p -> p.getPhase() == Phase.PHASE_DEPLOY)
              .findFirst()
              .orElseThrow();
      assertThat(deploy.getLogLines()).as("stored up to the cap of 10,000 lines").isEqualTo(10_000);
      assertThat(deploy.getLogList()).hasSize(20).allMatch(line -> line.length() <= 4_001);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(env.webhook.received())
                      .anySatisfy(
                          hook ->
                              assertThat(hook.body())
                                  .contains("\"deploymentId\":\"" + deployment.getId() + "\"")));

      ManagedChannel channel = ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
      try {
        var logs =
            DeploymentServiceGrpc.newBlockingStub(channel).withInterceptors(env.adminCredentials());
        int lines = 0;
        int pages = 0;
        int after = 0;
        StepLogPage page;
        do {
          page =
              logs.getStepLogs(
                  GetStepLogsRequest.newBuilder()
                      .setDeploymentId(deployment.getId())
                      .setPhase(Phase.PHASE_DEPLOY)
                      .setAttempt(1)
                      .setAfterLine(after)
                      .setPageSize(1_000)
                      .build());
          pages++;
          lines += page.getLinesCount();
          assertThat(page.getLinesList().getFirst().getLineNo()).isEqualTo(after + 1);
          after = page.getLinesList().getLast().getLineNo();
          assertThat(page.getSerializedSize()).isLessThanOrEqualTo((1 << 20) + 10_000);
        } while (page.getMore());
        assertThat(lines).isEqualTo(10_000);
        assertThat(pages)
            .as("25 MB of lines, in pages of at most 1 MiB")
            .isGreaterThanOrEqualTo(24);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
