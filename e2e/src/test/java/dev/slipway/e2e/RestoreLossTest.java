package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.devstack.demo.DemoTarget;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseEvidence;
import dev.slipway.proto.v1.PhaseRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Before a rollback restores the database, Slipway says what the restore throws away: the rows
 * written since the backup, per table, and the snapshot that keeps them.
 */
class RestoreLossTest {
  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");

  @Test
  void theRowsWrittenDuringABadReleaseAreCountedBeforeTheRestoreDiscardsThem() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "lossy-" + UUID.randomUUID().toString().substring(0, 6);
    String database = env.infrastructure.createDatabase("lossy");
    sql(
        env,
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
    Cli.Run started =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            app,
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "-o",
            "json");
    String id = E2eEnvironment.deployment(started.out()).getId();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);
    sql(
        env,
        database,
        "insert into entries (body) select 'lost ' || n from generate_series(1, 37) n");
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
                + " (slipway backups show "
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
        .contains("slipway backups show " + snapshot);
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
  }

  private static String snapshotOf(E2eEnvironment env, String app, String deploymentId)
      throws Exception {
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
    assertThat(page.getSetsList())
        .singleElement()
        .satisfies(s -> assertThat(s.getDeploymentId()).isEqualTo(deploymentId));
    return page.getSets(0).getId();
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

  private static void sql(E2eEnvironment env, String database, String... statements)
      throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                database, env.infrastructure.user(), env.infrastructure.password());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}
