package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Canary releases with real commands: setWeight records every weight it is asked for, and the check
 * reads the weight and the version, so a version that fails under load fails at 50 % and is rolled
 * back to 0, and one that gets no traffic pauses for a person.
 */
class CanaryTest {

  @Test
  void aGoodReleaseWalksTheWeightsAndABadOneFailsAtFiftyAndGoesBackToZero() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Canary canary = Canary.apply(env, "canary-");
    Cli.Run first = env.deployAndWait(canary.app, "1.0.0");
    assertThat(first.exit()).as(first.all()).isZero();
    Cli.Run second = env.deployAndWait(canary.app, "2.0.0");
    assertThat(second.exit()).as(second.all()).isZero();
    Deployment good = E2eEnvironment.deployment(second.out());
    assertThat(good.getStep()).isEqualTo(3);
    assertThat(good.getWeight()).isEqualTo(100);
    assertThat(canary.lines("weights")).containsExactly("10", "50", "100", "10", "50", "100");
    assertThat(phasesWithSteps(env, good.getId()))
        .containsExactly(
            "DEPLOY 0 0",
            "VERIFY 0 0",
            "WEIGHT 1 10",
            "ANALYSIS 1 10",
            "WEIGHT 2 50",
            "ANALYSIS 2 50",
            "WEIGHT 3 100");

    Cli.Run bad = env.deployAndWait(canary.app, "3.0.0-bad");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    Deployment rolledBack = E2eEnvironment.deployment(bad.out());
    assertThat(rolledBack.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(rolledBack.getReason())
        .startsWith("ANALYSIS step 2 (50%) failed: after ")
        .contains("check 'load' failed 2 rounds in a row: exit 1");
    assertThat(canary.lines("weights"))
        .as("10 % was fine, 50 % failed, and the way back set 0 before the revert")
        .containsExactly("10", "50", "100", "10", "50", "100", "10", "50", "0");
    assertThat(canary.lines("deploys"))
        .containsExactly("1.0.0", "2.0.0", "3.0.0-bad", "revert 3.0.0-bad to 2.0.0");
    assertThat(Files.readString(canary.dir.resolve("version"))).isEqualTo("2.0.0\n");
    assertThat(bad.err())
        .contains("ANALYSIS step 2 (50%) started")
        .contains("ANALYSIS step 2 FAILED");
    assertThat(Invariants.violations(env, Set.of(good.getId(), rolledBack.getId()))).isEmpty();
  }

  @Test
  void aStepWithNoTrafficPausesWithTheReasonUntilPromotedOrAborted() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Canary canary = Canary.apply(env, "canary-quiet-");
    assertThat(env.deployAndWait(canary.app, "1.0.0").exit()).isZero();
    String id =
        E2eEnvironment.deployment(env.deploy(env.server(), canary.app, "e2e", "2.0.0-quiet").out())
            .getId();

    Deployment paused = awaitPaused(env, id, 1);
    assertThat(paused.getReason())
        .startsWith("ANALYSIS step 1 (10%) saw no data: every one of the ")
        .contains("check 'load' had no data: exit 3")
        .endsWith("(noData: pause); promote to go on with the next step, or abort to roll back");
    Cli.Run status = Cli.run(env.server(), "status", id);
    assertThat(status.out())
        .as(status.all())
        .contains("PAUSED")
        .contains("step 1 of 3, weight 10%");
    Cli.Run cancel = Cli.run(env.server(), "cancel", id);
    assertThat(cancel.exit()).as("traffic is on the new version: cancel is refused").isEqualTo(12);

    Cli.Run promote = Cli.run(env.server(), "promote", id);
    assertThat(promote.exit()).as(promote.all()).isZero();
    awaitPaused(env, id, 2);

    Cli.Run abort = Cli.run(env.server(), "abort", id, "--reason", "no traffic reaches it");
    assertThat(abort.exit()).as(abort.all()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(env.status(id).getReason()).isEqualTo("aborted by admin: no traffic reaches it");
    assertThat(canary.lines("weights")).containsExactly("10", "50", "100", "10", "50", "0");
    assertThat(Files.readString(canary.dir.resolve("version"))).isEqualTo("1.0.0\n");
    List<DeploymentEvent> events = AuditTopic.eventsOf(env, id);
    assertThat(events.stream().filter(DeploymentEvent::hasPaused).map(e -> e.getPaused().getStep()))
        .containsExactly(1, 2);
    assertThat(events.stream().filter(DeploymentEvent::hasResumed).map(e -> e.getResumed().getBy()))
        .containsExactly("admin");
    assertThat(Invariants.violations(env, Set.of(id))).isEmpty();
  }

  private static Deployment awaitPaused(E2eEnvironment env, String id, int step) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Deployment d = env.status(id);
              return d.getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_PAUSED
                  && d.getStep() == step;
            });
    try {
      return env.status(id);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> phasesWithSteps(E2eEnvironment env, String deployment) {
    return AuditTopic.phasesStarted(env, deployment, p -> p.getStep() + " " + p.getWeight());
  }

  /**
   * A canary target whose version, weights and deploys are files in a directory; its check fails a
   * "bad" version from 50 % on and has no data for a "quiet" one.
   */
  private record Canary(String app, Path dir) {
    static Canary apply(E2eEnvironment env, String prefix) throws Exception {
      String app = prefix + UUID.randomUUID().toString().substring(0, 6);
      Path dir = Files.createTempDirectory(app);
      env.apply(
          dir,
          app,
          """
          app: %s
          environment: e2e
          deploy:
            command: [sh, -c, 'echo 0 > $0/weight && echo ${version} > $0/version && echo ${version} >> $0/deploys', %s]
          rollback:
            command: [sh, -c, 'echo ${previousVersion} > $0/version && echo revert ${version} to ${previousVersion} >> $0/deploys', %2$s]
          strategy:
            canary:
              setWeight: { command: [sh, -c, 'echo ${weight} > $0/weight && echo ${weight} >> $0/weights', %2$s] }
              steps:
                - { weight: 10, pause: 1s }
                - { weight: 50, pause: 2s }
                - { weight: 100 }
          health:
            interval: 200ms
            failureThreshold: 2
            checks:
              - type: command
                name: load
                command: [sh, -c, 'w=$(cat $0/weight); case $(cat $0/version) in *quiet*) exit 3;; *bad*) [ "$w" -lt 50 ];; esac', %2$s]
          """
              .formatted(app, dir));
      return new Canary(app, dir);
    }

    List<String> lines(String file) throws Exception {
      return Files.readAllLines(dir.resolve(file));
    }
  }
}
