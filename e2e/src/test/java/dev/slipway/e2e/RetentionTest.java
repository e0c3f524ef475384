package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.proto.v1.BackupSetStatus;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.PruneBackupSetsResponse;
import dev.slipway.proto.v1.PrunedSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Retention as a policy: a target keeps its last N sets, and never the set of a rollback whose
 * version is still quarantined, until it is released; {@code backups prune} says why each stays.
 */
class RetentionTest {

  @Test
  void aQuarantinedRollbackKeepsItsBackupUntilReleasedAndPruneSaysWhy() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "kept-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("kept");
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("state.txt"), "state");
    Path deployed = dir.resolve("version");
    String spec =
        """
        app: %s
        environment: e2e
        deploy: { command: [/bin/sh, -c, 'printf %%s "$1" > %s', sh, "${version}"] }
        backup:
          items: [{ type: files, paths: [%s] }]
          retention: { last: 2 }
        health:
          interval: 200ms
          failureThreshold: 1
          checks: [{ type: command, name: not-3, command: [/bin/sh, -c, 'test "$(cat %2$s)" != 3.0.0'] }]
        """
            .formatted(app, deployed, data);
    env.apply(dir, app, spec);
    for (String version : new String[] {"1.0.0", "1.1.0", "3.0.0", "1.2.0", "1.3.0"}) {
      Cli.Run run = env.deployAndWait(app, version);
      assertThat(run.exit()).as(run.all()).isEqualTo(version.equals("3.0.0") ? 5 : 0);
    }

    PruneBackupSetsResponse held = prune(env, app, "--dry-run");
    assertThat(held.getPolicy()).isEqualTo("last 2, 0 daily, 0 weekly, 0 monthly");
    assertThat(held.getSetsList())
        .extracting(PrunedSet::getKept, PrunedSet::getWhy)
        .containsExactly(
            tuple(true, "the newest good backup"),
            tuple(true, "one of the last 2"),
            tuple(true, "held: its release of 3.0.0 rolled back and 3.0.0 is quarantined"));
    String rolledBackSet = held.getSets(2).getSet().getId();
    ListBackupSetsResponse before = list(env, app);
    assertThat(before.getSetsList())
        .extracting(s -> s.getStatus())
        .as("1.1.0's and 1.0.0's sets went after later backups")
        .containsExactly(
            BackupSetStatus.BACKUP_SET_STATUS_COMPLETE,
            BackupSetStatus.BACKUP_SET_STATUS_COMPLETE,
            BackupSetStatus.BACKUP_SET_STATUS_COMPLETE,
            BackupSetStatus.BACKUP_SET_STATUS_DELETED,
            BackupSetStatus.BACKUP_SET_STATUS_DELETED);
    assertThat(before.getSets(3).getSummary())
        .isEqualTo("expired: beyond the policy (last 2, 0 daily, 0 weekly, 0 monthly)");

    Cli.Run unconfirmed = Cli.run(env.server(), "backups", "prune", "--app", app, "--env", "e2e");
    assertThat(unconfirmed.exit()).isEqualTo(2);
    assertThat(unconfirmed.err()).contains("add --dry-run to see what would go, or --yes");

    Cli.Run release =
        Cli.run(
            env.server(),
            "quarantine",
            "release",
            "--app",
            app,
            "--env",
            "e2e",
            "--version",
            "3.0.0",
            "--reason",
            "fixed in 3.0.1");
    assertThat(release.exit()).as(release.all()).isZero();
    Cli.Run wouldGo =
        Cli.run(env.server(), "backups", "prune", "--app", app, "--env", "e2e", "--dry-run");
    assertThat(wouldGo.out())
        .contains("would go " + rolledBackSet)
        .contains("policy last 2, 0 daily, 0 weekly, 0 monthly: 1 set(s) would go, 2 kept");
    assertThat(list(env, app).getSets(2).getStatus())
        .as("a dry run deletes nothing")
        .isEqualTo(BackupSetStatus.BACKUP_SET_STATUS_COMPLETE);

    PruneBackupSetsResponse pruned = prune(env, app, "--yes");
    assertThat(pruned.getSetsList())
        .extracting(PrunedSet::getKept)
        .containsExactly(true, true, false);
    ListBackupSetsResponse after = list(env, app);
    assertThat(after.getSets(2).getId()).isEqualTo(rolledBackSet);
    assertThat(after.getSets(2).getStatus()).isEqualTo(BackupSetStatus.BACKUP_SET_STATUS_DELETED);
    Cli.Run shown = Cli.run(env.server(), "backups", "show", rolledBackSet, "-o", "json");
    dev.slipway.proto.v1.BackupSet.Builder set = dev.slipway.proto.v1.BackupSet.newBuilder();
    JsonFormat.parser().merge(shown.out(), set);
    assertThat(Path.of(set.getArtifacts(0).getPath())).as("its files are deleted").doesNotExist();

    Cli.Run both =
        applyRefused(
            env, dir, spec.replace("retention: { last: 2 }", "keep: 3\n  retention: { last: 2 }"));
    assertThat(both.err()).contains("backup.retention: replaces backup.keep: give one of them");
  }

  private static Cli.Run applyRefused(E2eEnvironment env, Path dir, String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("both.yaml"), yaml);
    Cli.Run run = Cli.run(env.server(), "target", "apply", "-f", file.toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(2);
    return run;
  }

  private static PruneBackupSetsResponse prune(E2eEnvironment env, String app, String flag)
      throws Exception {
    Cli.Run run =
        Cli.run(env.server(), "backups", "prune", "--app", app, "--env", "e2e", flag, "-o", "json");
    assertThat(run.exit()).as(run.all()).isZero();
    PruneBackupSetsResponse.Builder result = PruneBackupSetsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), result);
    return result.build();
  }

  private static ListBackupSetsResponse list(E2eEnvironment env, String app) throws Exception {
    Cli.Run run =
        Cli.run(env.server(), "backups", "list", "--app", app, "--env", "e2e", "-o", "json");
    assertThat(run.exit()).as(run.all()).isZero();
    ListBackupSetsResponse.Builder page = ListBackupSetsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), page);
    return page.build();
  }
}
