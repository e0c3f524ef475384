package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.PhaseStarted;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Blue-green releases with real commands: each release deploys to the idle slot, is checked there,
 * switches traffic with the target's switch command and is checked again; the slot it left is never
 * touched, so a release that fails after its switch is rolled back by switching back, with no
 * redeploy, and one that fails before it leaves traffic where it was.
 */
class BlueGreenTest {

  @Test
  void aGoodReleaseSwitchesOnceAndLeavesTheOldSlotUntouched() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Slots slots = Slots.apply(env, "bg-good-");
    Cli.Run first = env.deployAndWait(slots.app, "1.0.0");
    assertThat(first.exit()).as(first.all()).isZero();
    FileTime blueWritten = Files.getLastModifiedTime(slots.dir.resolve("blue/version"));

    Cli.Run second = env.deployAndWait(slots.app, "2.0.0");
    assertThat(second.exit()).as(second.all()).isZero();
    Deployment release = E2eEnvironment.deployment(second.out());
    assertThat(release.getSlot()).isEqualTo("green");
    assertThat(release.getSwitched()).isTrue();

    assertThat(slots.lines("deploys")).containsExactly("1.0.0 blue", "2.0.0 green");
    assertThat(slots.lines("switches"))
        .as("the switch ran once per release")
        .containsExactly("blue", "green");
    assertThat(Files.readSymbolicLink(slots.dir.resolve("live")))
        .isEqualTo(slots.dir.resolve("green"));
    assertThat(Files.readString(slots.dir.resolve("blue/version"))).isEqualTo("1.0.0\n");
    assertThat(Files.getLastModifiedTime(slots.dir.resolve("blue/version")))
        .as("the old slot is untouched")
        .isEqualTo(blueWritten);
    assertThat(phasesWithSlots(env, release.getId()))
        .containsExactly("DEPLOY green", "VERIFY green", "SWITCH green", "VERIFY_LIVE green");

    Cli.Run status = Cli.run(env.server(), "status", "--app", slots.app, "--env", "e2e");
    assertThat(status.out()).as(status.all()).contains("serving from slot: green");
    Cli.Run ledger = Cli.run(env.server(), "ledger", "--app", slots.app, "--env", "e2e");
    assertThat(ledger.out().lines().filter(l -> l.contains("  via ")).toList())
        .satisfiesExactly(
            newest -> assertThat(newest).startsWith("2.0.0 ").endsWith("slot green"),
            oldest -> assertThat(oldest).startsWith("1.0.0 ").endsWith("slot blue"));
    assertThat(Invariants.violations(env, Set.of(release.getId()))).isEmpty();
  }

  @Test
  void aBadReleaseIsSwitchedBackWithoutARedeployAndOneThatFailsBeforeItsSwitchMovesNothing()
      throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Slots slots = Slots.apply(env, "bg-bad-");
    assertThat(env.deployAndWait(slots.app, "1.0.0").exit()).isZero();
    FileTime blueWritten = Files.getLastModifiedTime(slots.dir.resolve("blue/version"));

    Cli.Run bad = env.deployAndWait(slots.app, "2.0.0-bad");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    Deployment rolledBack = E2eEnvironment.deployment(bad.out());
    assertThat(rolledBack.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(rolledBack.getReason())
        .startsWith("VERIFY_LIVE failed: check 'live' failed 2 rounds in a row: ");
    assertThat(slots.lines("deploys"))
        .as("no redeploy: the rollback is a switch back")
        .containsExactly("1.0.0 blue", "2.0.0-bad green");
    assertThat(slots.lines("switches")).containsExactly("blue", "green", "blue");
    assertThat(Files.readSymbolicLink(slots.dir.resolve("live")))
        .isEqualTo(slots.dir.resolve("blue"));
    assertThat(Files.getLastModifiedTime(slots.dir.resolve("blue/version"))).isEqualTo(blueWritten);
    assertThat(phasesWithSlots(env, rolledBack.getId()))
        .containsExactly(
            "DEPLOY green",
            "VERIFY green",
            "SWITCH green",
            "VERIFY_LIVE green",
            "REVERT blue",
            "VERIFY_ROLLBACK blue");
    Cli.Run status = Cli.run(env.server(), "status", "--app", slots.app, "--env", "e2e");
    assertThat(status.out())
        .as(status.all())
        .contains("serving from slot: blue")
        .contains(" 1.0.0 ");

    Cli.Run broken = env.deployAndWait(slots.app, "3.0.0-broken");
    assertThat(broken.exit()).as(broken.all()).isEqualTo(5);
    Deployment never = E2eEnvironment.deployment(broken.out());
    assertThat(never.getReason())
        .startsWith("DEPLOY failed: ")
        .endsWith("; traffic was never switched to slot green, nothing to switch back");
    assertThat(never.getSwitched()).isFalse();
    assertThat(slots.lines("switches"))
        .as("no switch at all")
        .containsExactly("blue", "green", "blue");
    assertThat(Files.readSymbolicLink(slots.dir.resolve("live")))
        .isEqualTo(slots.dir.resolve("blue"));
    assertThat(Invariants.violations(env, Set.of(rolledBack.getId(), never.getId()))).isEmpty();
  }

  private static List<String> phasesWithSlots(E2eEnvironment env, String deployment) {
    return AuditTopic.phasesStarted(env, deployment, PhaseStarted::getSlot);
  }

  /** A blue-green target whose slots, switch and record of what ran are files in a directory. */
  private record Slots(String app, Path dir) {
    static Slots apply(E2eEnvironment env, String prefix) throws Exception {
      String app = prefix + UUID.randomUUID().toString().substring(0, 6);
      Path dir = Files.createTempDirectory(app);
      env.apply(
          dir,
          app,
          """
          app: %s
          environment: e2e
          deploy:
            command:
              - sh
              - -c
              - 'case ${version} in *broken*) exit 1;; esac; mkdir -p $0/${slot} && echo ${version} > $0/${slot}/version && echo ${version} ${slot} >> $0/deploys'
              - %s
          strategy:
            blueGreen:
              switch: { command: [sh, -c, 'ln -sfn $0/${slot} $0/live && echo ${slot} >> $0/switches', %2$s] }
          health:
            interval: 200ms
            failureThreshold: 2
            checks:
              - { type: command, name: "slot ${slot}", command: [test, -s, "%2$s/${slot}/version"] }
              - { type: command, name: live, command: [sh, -c, '! grep -q bad $0/live/version', %2$s] }
          """
              .formatted(app, dir));
      return new Slots(app, dir);
    }

    List<String> lines(String file) throws Exception {
      return Files.readAllLines(dir.resolve(file));
    }
  }
}
