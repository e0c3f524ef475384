package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rolling releases with real commands: each instance is a file holding its version, every deploy
 * and revert is logged, and the check of an instance reads its file, so a version that is bad on
 * the second instance is caught there, that instance and the first are reverted, and the third is
 * never touched.
 */
class RollingTest {

  @Test
  void aFailureOnTheSecondOfThreeRevertsItAndTheFirstAndLeavesTheThirdAlone() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Rolling rolling = Rolling.apply(env, "rolling-", 1);
    Cli.Run first = env.deployAndWait(rolling.app, "1.0.0");
    assertThat(first.exit()).as(first.all()).isZero();
    Deployment good = E2eEnvironment.deployment(first.out());
    assertThat(phases(env, good.getId()))
        .containsExactly(
            "DEPLOY 1 [a]",
            "VERIFY 1 [a]",
            "DEPLOY 2 [b]",
            "VERIFY 2 [b]",
            "DEPLOY 3 [c]",
            "VERIFY 3 [c]");

    Cli.Run bad = env.deployAndWait(rolling.app, "2.0.0-bad");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    Deployment rolledBack = E2eEnvironment.deployment(bad.out());
    assertThat(rolledBack.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(rolledBack.getReason())
        .startsWith("VERIFY wave 2 of 3 (b) failed: ")
        .contains("check 'up@b' failed");
    assertThat(rolling.lines("log"))
        .as("b failed, so b and then a went back, and c never heard of 2.0.0-bad")
        .containsExactly(
            "deploy a 1.0.0",
            "deploy b 1.0.0",
            "deploy c 1.0.0",
            "deploy a 2.0.0-bad",
            "deploy b 2.0.0-bad",
            "revert b 2.0.0-bad to 1.0.0",
            "revert a 2.0.0-bad to 1.0.0");
    for (String instance : List.of("a", "b", "c")) {
      assertThat(Files.readString(rolling.dir.resolve(instance))).as(instance).isEqualTo("1.0.0\n");
    }
    assertThat(phases(env, rolledBack.getId()))
        .containsExactly(
            "DEPLOY 1 [a]",
            "VERIFY 1 [a]",
            "DEPLOY 2 [b]",
            "VERIFY 2 [b]",
            "REVERT 2 [b, a]",
            "VERIFY_ROLLBACK 2 [b, a]");
    assertThat(bad.err())
        .contains("DEPLOY step 2 started on b")
        .contains("REVERT step 2 started on b, a");
    Cli.Run status = Cli.run(env.server(), "status", rolledBack.getId());
    assertThat(status.out())
        .as(status.all())
        .contains("rolling: wave 2 of 3 (b); instances a, b, c");
    assertThat(Invariants.violations(env, Set.of(good.getId(), rolledBack.getId()))).isEmpty();
  }

  @Test
  void maxUnavailableReleasesInstancesInWaves() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Rolling rolling = Rolling.apply(env, "rolling-pairs-", 2);
    Cli.Run run = env.deployAndWait(rolling.app, "1.0.0");
    assertThat(run.exit()).as(run.all()).isZero();
    String id = E2eEnvironment.deployment(run.out()).getId();
    assertThat(phases(env, id))
        .containsExactly("DEPLOY 1 [a, b]", "VERIFY 1 [a, b]", "DEPLOY 2 [c]", "VERIFY 2 [c]");
    assertThat(rolling.lines("log"))
        .containsExactly("deploy a 1.0.0", "deploy b 1.0.0", "deploy c 1.0.0");
    assertThat(Invariants.violations(env, Set.of(id))).isEmpty();
  }

  private static List<String> phases(E2eEnvironment env, String deployment) {
    return AuditTopic.phasesStarted(env, deployment, p -> p.getStep() + " " + p.getInstancesList());
  }

  /**
   * A rolling target over instances a, b and c, each a file in a directory; its check fails a "bad"
   * version on b only.
   */
  private record Rolling(String app, Path dir) {
    static Rolling apply(E2eEnvironment env, String prefix, int maxUnavailable) throws Exception {
      String app = prefix + UUID.randomUUID().toString().substring(0, 6);
      Path dir = Files.createTempDirectory(app);
      env.apply(
          dir,
          app,
          """
          app: %s
          environment: e2e
          deploy:
            command: [sh, -c, 'echo ${version} > $0/${instance} && echo deploy ${instance} ${version} >> $0/log', %s]
          rollback:
            command: [sh, -c, 'echo ${previousVersion} > $0/${instance} && echo revert ${instance} ${version} to ${previousVersion} >> $0/log', %2$s]
          strategy:
            rolling:
              instances: [a, b, c]
              maxUnavailable: %d
          health:
            interval: 200ms
            failureThreshold: 2
            checks:
              - type: command
                name: up
                command: [sh, -c, 'case $(cat $0/$1) in *bad*) [ "$1" != b ];; esac', %2$s, '${instance}']
          """
              .formatted(app, dir, maxUnavailable));
      return new Rolling(app, dir);
    }

    List<String> lines(String file) throws Exception {
      return Files.readAllLines(dir.resolve(file));
    }
  }
}
