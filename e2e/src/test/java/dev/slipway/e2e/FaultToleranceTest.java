package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.devstack.Service;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What survives a crash, and what a stuck deploy command does not survive. */
class FaultToleranceTest {
  private static E2eEnvironment env;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
    dir = Files.createTempDirectory("faults");
  }

  @Test
  void aDeployWhoseOrchestratorCrashedIsResumedAsANewAttemptAfterARestart() throws Exception {
    Path marker = dir.resolve("deploys");
    env.apply(dir, "resilient", """
        app: resilient
        environment: qa
        deploy: { command: ["sh", "-c", "sleep 3; echo ${version} attempt >> %s"] }
        """.formatted(marker));
    Cli.Run started = Cli.run(env.server(), "deploy", "--app", "resilient", "--env", "qa", "--version", "7.0.0", "-o", "json");
    String id = E2eEnvironment.deployment(started.out()).getId();
    await().atMost(Duration.ofSeconds(20)).until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);

    env.stack.kill(Service.ORCHESTRATOR);
    env.stack.restart(Service.ORCHESTRATOR);

    await().atMost(Duration.ofSeconds(60)).until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    List<PhaseRecord> deploys = env.status(id).getPhasesList().stream().filter(p -> p.getPhase() == Phase.PHASE_DEPLOY).toList();
    assertThat(deploys).extracting(PhaseRecord::getAttempt).containsExactly(1, 2);
    assertThat(deploys.get(0).getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_FAILED);
    assertThat(deploys.get(0).getSummary()).contains("runner lost");
    assertThat(deploys.get(1).getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_SUCCEEDED);
  }

  @Test
  void aDeployCommandPastItsTimeoutIsKilledWithItsChildrenAndAFirstReleaseThatFailsNeedsAHuman() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    env.apply(dir, "stuck", """
        app: stuck
        environment: qa
        deploy:
          command: ["sh", "-c", "echo starting ${version}; sleep 300 & echo $! > %s; wait"]
          timeout: 2s
        """.formatted(pidFile));

    Cli.Run run = Cli.run(env.server(), "deploy", "--app", "stuck", "--env", "qa", "--version", "1.0.0", "--wait",
        "--timeout", "1m");

    assertThat(run.exit()).as(run.all()).isEqualTo(6);
    assertThat(run.all()).contains("DEPLOY failed: timed out after PT2S; process tree killed")
        .contains("no previous version to revert to");
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    Deployment detail = env.status(lastDeploymentOf("stuck"));
    assertThat(detail.getPhasesList().getFirst().getLogList()).contains("starting 1.0.0");
  }

  private static String lastDeploymentOf(String app) throws Exception {
    String out = Cli.run(env.server(), "status", "--app", app, "--env", "qa", "-o", "json").out();
    dev.slipway.proto.v1.Target.Builder target = dev.slipway.proto.v1.Target.newBuilder();
    JsonFormat.parser().merge(out, target);
    return target.getLastDeploymentId();
  }
}
