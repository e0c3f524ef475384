package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.devstack.demo.DemoTarget;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentKind;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseEvidence;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseRecord;
import dev.slipway.proto.v1.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Before a rollback restores the database, Slipway says what the restore throws away: the rows
 * written since the backup, per table, and the snapshot that keeps them, from which `slipway
 * backups restore` brings them back.
 */
class RestoreLossTest {
  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");

  @Test
  void theRowsWrittenDuringABadReleaseAreCountedBeforeTheRestoreAndComeBackOnDemand()
      throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "lossy-" + UUID.randomUUID().toString().substring(0, 6);
    String database = env.infrastructure.createDatabase("lossy");
    env.sql(
        database,
        "create table entries (id serial primary key, body text not null)",
        "insert into entries (body) select 'entry ' || n from generate_series(1, 3) n",
        "create table tags (name text primary key)",
        "insert into tags select 'tag' || n from generate_series(1, 5) n");
    Path dir = Files.createTempDirectory("lossy");
    Path go = dir.resolve("go");
    Path deployed = dir.resolve("version");
    Files.createFile(go);
    Matcher db = JDBC.matcher(database);
    assertThat(db.find()).isTrue();
    env.apply(
        dir,
        app,
        """
        app: %1$s
        environment: e2e
        deploy:
          command: [/bin/sh, -c, 'while [ ! -e %2$s ]; do sleep 0.05; done; printf %%s "$1" > %3$s', sh, "${version}"]
        backup:
          keep: 1
          items: [{ type: postgres, url: "postgresql://%4$s@%5$s:%6$s/%7$s", passwordSecret: %8$s }]
          restoreOnRollback: true
        health:
          interval: 200ms
          failureThreshold: 1
          checks: [{ type: command, name: not-2, command: [/bin/sh, -c, 'test "$(cat %3$s)" != 2.0.0'] }]
        notify: [{ channel: ops, on: [phase_completed] }]
        """
            .formatted(
                app,
                go,
                deployed,
                env.infrastructure.user(),
                db.group(1),
                db.group(2),
                db.group(3),
                DemoTarget.DB_SECRET));
    Cli.Run good = env.deployAndWait(app, "1.0.0");
    assertThat(good.exit()).as(good.all()).isZero();

    // 2.0.0's deploy waits until the test has written, as the new version would, after the backup.
    Files.delete(go);
    Cli.Run started = env.deploy(env.server(), app, "e2e", "2.0.0");
    String id = E2eEnvironment.deployment(started.out()).getId();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);
    env.sql(
        database, "insert into entries (body) select 'lost ' || n from generate_series(1, 37) n");
    Files.createFile(go);
    Deployment rolledBack =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> env.status(id),
                d -> d.getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);

    String snapshot = snapshotOf(env, app, id);
    PhaseRecord restore = E2eEnvironment.phase(rolledBack, Phase.PHASE_RESTORE);
    String loss =
        "restoring postgres "
            + env.infrastructure.user()
            + "@"
            + db.group(1)
            + ":"
            + db.group(2)
            + "/"
            + db.group(3)
            + ": in public.entries 37 rows written since ";
    assertThat(restore.getSummary())
        .contains(loss)
        .contains(
            "are discarded (exact counts: 40 now, 3 in the backup); they are kept in snapshot "
                + snapshot
                + " (to put them back: slipway backups restore "
                + snapshot
                + ")")
        .doesNotContain("public.tags");
    assertThat(restore.getEvidenceList())
        .filteredOn(e -> e.getName().equals("loss estimate"))
        .singleElement()
        .extracting(PhaseEvidence::getDetail)
        .asString()
        .contains(loss);
    assertThat(Cli.run(env.server(), "status", id).out())
        .contains("slipway backups restore " + snapshot);
    assertThat(count(env, database))
        .as("the restore put back the 3 rows of the backup")
        .isEqualTo(3);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.webhook.received())
                    .as("the notification of the RESTORE phase says what was lost")
                    .anySatisfy(
                        hook ->
                            assertThat(hook.body())
                                .contains("\"deploymentId\":\"" + id + "\"")
                                .contains("\"phase\":\"RESTORE\"")
                                .contains("37 rows written since")));

    // The 37 rows come back on demand: the snapshot is restored like any backup, after a snapshot.
    Cli.Run unconfirmed = Cli.run(env.server(), "backups", "restore", snapshot);
    assertThat(unconfirmed.exit()).as(unconfirmed.all()).isEqualTo(2);
    assertThat(unconfirmed.err()).contains("add --yes");
    assertThat(count(env, database)).as("nothing restored unconfirmed").isEqualTo(3);
    Cli.Run otherVersion = Cli.run(env.server(), "backups", "restore", snapshot, "--yes");
    assertThat(otherVersion.exit()).as(otherVersion.all()).isEqualTo(12);
    assertThat(otherVersion.err())
        .contains(
            "backup set "
                + snapshot
                + " holds the data of version 2.0.0, and 1.0.0 runs on "
                + app
                + "/e2e now: its schema may not match; restore it anyway with --force --reason");
    String key = "restore-" + UUID.randomUUID();
    String[] restoreArgs = {
      "backups",
      "restore",
      snapshot,
      "--yes",
      "--force",
      "--reason",
      "2.0.0 kept the schema",
      "--idempotency-key",
      key,
      "--wait",
      "-o",
      "json"
    };
    // Released from quarantine, 2.0.0 no longer holds its sets: keep: 1 would prune the snapshot
    // once the restore takes its own, but a set being restored is held.
    Cli.Run released =
        Cli.run(
            env.server(),
            "quarantine",
            "release",
            "--app",
            app,
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "--reason",
            "fixed");
    assertThat(released.exit()).as(released.all()).isZero();
    Cli.Run restored = Cli.run(env.server(), restoreArgs);
    assertThat(restored.exit()).as(restored.all()).isZero();
    Deployment onDemand = E2eEnvironment.deployment(restored.out());
    assertThat(onDemand.getKind()).isEqualTo(DeploymentKind.DEPLOYMENT_KIND_RESTORE);
    assertThat(onDemand.getRestoreSetId()).isEqualTo(snapshot);
    assertThat(onDemand.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(onDemand.getVersion()).as("the code stays as it is").isEqualTo("1.0.0");
    assertThat(onDemand.getForceReason()).isEqualTo("2.0.0 kept the schema");
    assertThat(onDemand.getPhasesList())
        .extracting(PhaseRecord::getPhase, PhaseRecord::getOutcome)
        .containsExactly(
            tuple(Phase.PHASE_SNAPSHOT, PhaseOutcome.PHASE_OUTCOME_SUCCEEDED),
            tuple(Phase.PHASE_RESTORE, PhaseOutcome.PHASE_OUTCOME_SUCCEEDED),
            tuple(Phase.PHASE_VERIFY, PhaseOutcome.PHASE_OUTCOME_SUCCEEDED));
    assertThat(E2eEnvironment.phase(onDemand, Phase.PHASE_RESTORE).getSummary())
        .startsWith("restored backup " + snapshot + ": 1 item(s), checksums verified")
        .contains(
            ": in public.entries 37 rows deleted since come back (exact counts: 3 now, 40 in the"
                + " backup)");
    assertThat(count(env, database))
        .as("the 3 rows of the backup and the 37 written")
        .isEqualTo(40);
    assertThat(snapshots(env, app))
        .as("the restore snapshotted the 3 rows before it put the 40 back")
        .extracting(BackupSet::getDeploymentId)
        .containsExactly(onDemand.getId(), id);
    assertThat(Cli.run(env.server(), "status", onDemand.getId()).out())
        .contains("restore by admin")
        .contains("restores backup set " + snapshot + " (code stays at 1.0.0)");
    Cli.Run retried = Cli.run(env.server(), restoreArgs);
    assertThat(retried.exit()).as(retried.all()).isZero();
    assertThat(E2eEnvironment.deployment(retried.out()).getId())
        .as("the same key gives the same restore, not a second one")
        .isEqualTo(onDemand.getId());
    Cli.Run target =
        Cli.run(env.server(), "target", "get", "--app", app, "--env", "e2e", "-o", "json");
    Target.Builder running = Target.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(target.out(), running);
    assertThat(running.getCurrentVersion()).isEqualTo("1.0.0");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.webhook.received())
                    .as("the notification names the set the restore put back")
                    .anySatisfy(
                        hook ->
                            assertThat(hook.body())
                                .contains("\"deploymentId\":\"" + onDemand.getId() + "\"")
                                .contains("\"phase\":\"RESTORE\"")
                                .contains("\"restoreSetId\":\"" + snapshot + "\"")));
  }

  private static String snapshotOf(E2eEnvironment env, String app, String deploymentId)
      throws Exception {
    assertThat(snapshots(env, app))
        .singleElement()
        .satisfies(s -> assertThat(s.getDeploymentId()).isEqualTo(deploymentId));
    return snapshots(env, app).getFirst().getId();
  }

  /** The target's snapshots, newest first. */
  private static List<BackupSet> snapshots(E2eEnvironment env, String app) throws Exception {
    Cli.Run run =
        Cli.run(
            env.server(),
            "backups",
            "list",
            "--app",
            app,
            "--env",
            "e2e",
            "--kind",
            "snapshot",
            "-o",
            "json");
    assertThat(run.exit()).as(run.all()).isZero();
    ListBackupSetsResponse.Builder page = ListBackupSetsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), page);
    return page.getSetsList();
  }

  private static long count(E2eEnvironment env, String database) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                database, env.infrastructure.user(), env.infrastructure.password());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("select count(*) from entries")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
