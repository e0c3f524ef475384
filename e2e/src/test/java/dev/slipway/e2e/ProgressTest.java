package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.devstack.demo.DemoTarget;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseProgress;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A long BACKUP says how far it has come, on the topic and in {@code deploy --wait}: here one that
 * waits for a lock the test holds, as a dump behind a long transaction would.
 */
class ProgressTest {
  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");

  @Test
  void aBackupThatTakesLongReportsItsProgressUntilItEnds() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "slow-" + UUID.randomUUID().toString().substring(0, 6);
    String database = env.infrastructure.createDatabase("slow");
    Matcher db = JDBC.matcher(database);
    assertThat(db.find()).isTrue();
    try (Connection holder =
            DriverManager.getConnection(
                database, env.infrastructure.user(), env.infrastructure.password());
        Statement s = holder.createStatement()) {
      s.execute("create table entries (id serial primary key, body text not null)");
      s.execute("insert into entries (body) select 'entry ' || n from generate_series(1, 100) n");
      env.apply(
          Files.createTempDirectory("slow"),
          app,
          """
          app: %s
          environment: e2e
          deploy: { command: ["true"] }
          backup:
            items: [{ type: postgres, url: "postgresql://%s@%s:%s/%s", passwordSecret: %s }]
          """
              .formatted(
                  app,
                  env.infrastructure.user(),
                  db.group(1),
                  db.group(2),
                  db.group(3),
                  DemoTarget.DB_SECRET));
      // pg_dump waits for this lock: the BACKUP runs until the test lets it go.
      holder.setAutoCommit(false);
      s.execute("lock table entries in access exclusive mode");
      CompletableFuture<Cli.Run> release =
          CompletableFuture.supplyAsync(() -> env.deployAndWait(app, "1.0.0"));

      List<DeploymentEvent> events =
          AuditTopic.read(
                  env.infrastructure.kafkaBootstrap(),
                  Topics.DEPLOYMENTS,
                  r -> {
                    DeploymentEvent e = AuditTopic.decode(r);
                    return e.getTarget().getApp().equals(app) && e.hasPhaseProgress();
                  },
                  Duration.ofSeconds(60))
              .stream()
              .map(AuditTopic::decode)
              .filter(e -> e.getTarget().getApp().equals(app))
              .toList();
      assertThat(events.getLast().hasPhaseProgress())
          .as("a progress event within a minute: %s", events)
          .isTrue();
      PhaseProgress progress = events.getLast().getPhaseProgress();
      assertThat(progress.getPhase()).isEqualTo(Phase.PHASE_BACKUP);
      assertThat(progress.getAttempt()).isEqualTo(1);
      assertThat(progress.getDetail())
          .startsWith("postgres " + env.infrastructure.user() + "@")
          .contains(" written to the backup: ");
      assertThat(progress.getBytes()).isNotNegative();
      holder.rollback();

      Cli.Run done = release.get(2, TimeUnit.MINUTES);
      assertThat(done.exit()).as(done.all()).isZero();
      assertThat(done.err())
          .as("deploy --wait shows the progress as it happens")
          .contains("BACKUP #1 in progress: postgres ")
          .contains(" written to the backup: ");
    }
  }
}
