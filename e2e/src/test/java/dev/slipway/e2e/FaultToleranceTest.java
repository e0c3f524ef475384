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
    String id = startMarkedDeploy("resilient", marker, 3);

    env.stack.kill(Service.ORCHESTRATOR);
    env.stack.restart(Service.ORCHESTRATOR);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    List<PhaseRecord> deploys =
        env.status(id).getPhasesList().stream()
            .filter(p -> p.getPhase() == Phase.PHASE_DEPLOY)
            .toList();
    assertThat(deploys).extracting(PhaseRecord::getAttempt).containsExactly(1, 2);
    assertThat(deploys.get(0).getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_ERRORED);
    assertThat(deploys.get(0).getSummary()).contains("runner lost");
    assertThat(deploys.get(1).getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_SUCCEEDED);
    // The first run would have ended before the resumed one did: an "end" of it would be here.
    assertThat(Files.readAllLines(marker))
        .as("the crashed runner's command died with it: one finished run, never two at once")
        .containsExactly("start 7.0.0", "start 7.0.0", "end 7.0.0");
    assertThat(Invariants.violations(env, java.util.Set.of(id))).isEmpty();
  }

  @Test
  void aRunnerThatLosesItsLeaseStopsItsCommandAndReportsNothing() throws Exception {
    Path marker = dir.resolve("lease-runs");
    String id = startMarkedDeploy("fenced", marker, 8);

    // Another runner takes the attempt over: the first one's next renewal finds the lease gone.
    try (var c = env.slipway();
        var takeOver =
            c.prepareStatement(
                "update orchestrator.deployments set attempt = attempt + 1 where id = ?::uuid")) {
      takeOver.setString(1, id);
      assertThat(takeOver.executeUpdate()).isEqualTo(1);
    }

    Path log = env.workDir.resolve("logs").resolve("orchestrator.log");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Files.readString(log))
                    .contains(id + " DEPLOY attempt 1: the lease of")
                    .contains("its command was stopped and its result is not reported"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    // The resumed run took longer than the first run's 8 s would have: an "end" of it would be
    // here.
    assertThat(Files.readAllLines(marker))
        .as("the first run was stopped; only the resumed one finished")
        .containsExactly("start 7.0.0", "start 7.0.0", "end 7.0.0");
    assertThat(env.status(id).getPhasesList())
        .extracting(p -> p.getAttempt() + " " + p.getOutcome())
        .as("the stopped attempt reported nothing; the attempt taken over was resumed")
        .doesNotContain("1 PHASE_OUTCOME_SUCCEEDED");
  }

  @Test
  void aDeployCommandPastItsTimeoutIsKilledWithItsChildrenAndAFirstReleaseThatFailsNeedsAHuman()
      throws Exception {
    Path pidFile = dir.resolve("child.pid");
    env.apply(
        dir,
        "stuck",
        """
        app: stuck
        environment: qa
        deploy:
          command: ["sh", "-c", "echo starting ${version}; sleep 300 & echo $! > %s; wait"]
          timeout: 2s
        """
            .formatted(pidFile));

    Cli.Run run = deployAndWait("stuck", "1.0.0", "1m");

    assertThat(run.exit()).as(run.all()).isEqualTo(6);
    assertThat(run.all())
        .contains("DEPLOY failed: stopped after")
        .contains("(timed out after PT2S); its processes were killed")
        .contains("no previous version to revert to");
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    Deployment detail = env.status(lastDeploymentOf("stuck"));
    assertThat(detail.getPhasesList().getFirst().getLogList()).contains("starting 1.0.0");
  }

  @Test
  void aVerifyThatNoHealthServiceAnswersIsSlipwaysErrorAndRollsNothingBack() throws Exception {
    Path marker = dir.resolve("unverified");
    env.apply(
        dir,
        "unverified",
        """
        app: unverified
        environment: qa
        deploy: { command: ["sh", "-c", "echo deploy ${version} >> %1$s"] }
        rollback: { command: ["sh", "-c", "echo revert ${previousVersion} >> %1$s"] }
        health:
          checks: [ { type: tcp, address: "127.0.0.1:%2$d" } ]
          interval: 1s
          timeout: 1s
          successThreshold: 1
          failureThreshold: 1
        """
            .formatted(marker, env.stack.port(Service.ORCHESTRATOR)));
    Cli.Run first = deployAndWait("unverified", "1.0.0", "2m");
    assertThat(first.exit()).as(first.all()).isZero();

    env.stack.kill(Service.HEALTH);
    Cli.Run run;
    try {
      run = deployAndWait("unverified", "2.0.0", "3m");
    } finally {
      env.stack.restart(Service.HEALTH);
    }

    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    assertThat(run.all())
        .contains("VERIFY could not run (ERRORED): no result from the health-service within")
        .contains("finished: FAILED — VERIFY could not run: no result from the health-service")
        .contains("version 2.0.0 is deployed but unverified, and nothing was rolled back")
        .doesNotContain("REVERT")
        .doesNotContain("SNAPSHOT");
    assertThat(Files.readAllLines(marker))
        .as("deployed twice, never reverted")
        .containsExactly("deploy 1.0.0", "deploy 2.0.0");
    Deployment detail = env.status(lastDeploymentOf("unverified"));
    assertThat(detail.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_FAILED);
    assertThat(detail.getPhasesList())
        .extracting(p -> p.getPhase() + " " + p.getOutcome())
        .containsExactly(
            "PHASE_DEPLOY PHASE_OUTCOME_SUCCEEDED", "PHASE_VERIFY PHASE_OUTCOME_ERRORED");
  }

  @Test
  void aCheckWhoseHostDoesNotResolveEndsVerificationAsCouldNotRunWithoutARollback()
      throws Exception {
    Path marker = dir.resolve("unresolved");
    String target =
        """
        app: unresolved
        environment: qa
        deploy: { command: ["sh", "-c", "echo deploy ${version} >> %1$s"] }
        rollback: { command: ["sh", "-c", "echo revert ${previousVersion} >> %1$s"] }
        health:
          checks: [ { type: tcp, name: db, address: "%2$s" } ]
          interval: 1s
          timeout: 1s
          failureThreshold: 2
          errorLimit: 2
        """;
    env.apply(
        dir,
        "unresolved",
        target.formatted(marker, "127.0.0.1:" + env.stack.port(Service.ORCHESTRATOR)));
    Cli.Run first = deployAndWait("unresolved", "1.0.0", "2m");
    assertThat(first.exit()).as(first.all()).isZero();

    env.apply(dir, "unresolved", target.formatted(marker, "db.slipway-no-such-host.invalid:5432"));
    Cli.Run run = deployAndWait("unresolved", "2.0.0", "2m");

    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    assertThat(run.all())
        .contains(
            "finished: FAILED — VERIFY could not run: check 'db' could not run 2 rounds in a row:"
                + " cannot resolve host 'db.slipway-no-such-host.invalid'")
        .contains("version 2.0.0 is deployed but unverified, and nothing was rolled back")
        .doesNotContain("REVERT");
    assertThat(Files.readAllLines(marker))
        .as("no rollback storm: deployed twice, never reverted")
        .containsExactly("deploy 1.0.0", "deploy 2.0.0");
    Deployment detail = env.status(lastDeploymentOf("unresolved"));
    PhaseRecord verify = detail.getPhasesList().getLast();
    assertThat(verify.getPhase()).isEqualTo(Phase.PHASE_VERIFY);
    assertThat(verify.getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_ERRORED);
    assertThat(verify.getEvidenceList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getPassed()).isFalse();
              assertThat(e.getDetail())
                  .isEqualTo("cannot resolve host 'db.slipway-no-such-host.invalid'");
            });
  }

  /**
   * Deploys version 7.0.0 of {@code app} with a command that writes "start" and, after {@code
   * seconds}, "end" lines to {@code marker}; returns once the command has started.
   */
  private static String startMarkedDeploy(String app, Path marker, int seconds) throws Exception {
    env.apply(
        dir,
        app,
        """
        app: %1$s
        environment: qa
        deploy: { command: ["sh", "-c", "echo start ${version} >> %2$s; sleep %3$d; echo end ${version} >> %2$s"] }
        """
            .formatted(app, marker, seconds));
    Cli.Run started = env.deploy(env.server(), app, "qa", "7.0.0");
    String id = E2eEnvironment.deployment(started.out()).getId();
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
    return id;
  }

  private static String lastDeploymentOf(String app) throws Exception {
    String out = Cli.run(env.server(), "status", "--app", app, "--env", "qa", "-o", "json").out();
    dev.slipway.proto.v1.Target.Builder target = dev.slipway.proto.v1.Target.newBuilder();
    JsonFormat.parser().merge(out, target);
    return target.getLastDeploymentId();
  }

  /** {@code slipway deploy --app APP --env qa --version V --wait --timeout T}. */
  private static Cli.Run deployAndWait(String app, String version, String timeout)
      throws Exception {
    return Cli.run(
        env.server(),
        "deploy",
        "--app",
        app,
        "--env",
        "qa",
        "--version",
        version,
        "--wait",
        "--timeout",
        timeout);
  }
}
