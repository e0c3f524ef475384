package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.backup.store.Artifacts;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseRecord;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a CI pipeline sees when it ships a good release and then a bad one, and an operator then
 * rolls back by hand: one script, its steps in the order a user takes them, sharing one journal.
 */
class ReleaseScenarioTest {
  private static E2eEnvironment env;

  @BeforeAll
  static void registerTheJournal() throws Exception {
    env = E2eEnvironment.get();
    env.journal.installInitialVersion("1.0.0");
    Path spec = env.journal.writeSpec(Files.createTempDirectory("spec").resolve("journal.yaml"));
    assertThat(Cli.run(env.server(), "target", "apply", "-f", spec.toString()).exit()).isZero();
  }

  @Test
  void aGoodReleaseThenABadOneThatRollsBackThenRollbacksByHand() throws Exception {
    aGoodReleaseSucceedsWithABackupHealthEvidenceASignedWebhookAndAnOrderedAuditTrail();
    aBadReleaseIsRolledBackWithTheDatabaseRestoredAndTheFailingCheckNamed();
    aManualRollbackReturnsToANamedOrTheLastGoodVersionAndOldBackupsExpire();
    theRolledBackVersionIsQuarantinedUntilForcedWithAReasonOrReleased();
  }

  private void aGoodReleaseSucceedsWithABackupHealthEvidenceASignedWebhookAndAnOrderedAuditTrail()
      throws Exception {
    Cli.Run run =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--version",
            "1.1.0",
            "--wait",
            "--timeout",
            "3m",
            "-o",
            "json");

    assertThat(run.exit()).as(run.all()).isEqualTo(0);
    Deployment deployment = E2eEnvironment.deployment(run.out());
    assertThat(deployment.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(run.err()).contains("VERIFY succeeded").contains("finished: SUCCEEDED");

    PhaseRecord verified =
        deployment.getPhasesList().stream()
            .filter(p -> p.getPhase() == Phase.PHASE_VERIFY)
            .findFirst()
            .orElseThrow();
    assertThat(verified.getEvidenceList())
        .as("each check and what it saw, kept with the verdict")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getPassed()).isTrue())
        .allSatisfy(e -> assertThat(e.getDetail()).startsWith("ok in"));
    PhaseRecord backedUp =
        deployment.getPhasesList().stream()
            .filter(p -> p.getPhase() == Phase.PHASE_BACKUP)
            .findFirst()
            .orElseThrow();
    assertThat(backedUp.getEvidenceList())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getDetail()).contains("sha256"));
    List<String[]> artifacts = artifacts(deployment.getId(), "BACKUP");
    assertThat(artifacts).hasSize(2);
    for (String[] artifact : artifacts) {
      Path file = Path.of(artifact[0]);
      assertThat(Artifacts.sha256(file)).as("checksum of " + file).isEqualTo(artifact[1]);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }

    assertThat(
            env.count(
                "select count(*) from health.check_results where deployment_id = ?::uuid and phase = 'VERIFY'"
                    + " and passed",
                deployment.getId()))
        .isGreaterThanOrEqualTo(2);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.webhook.received())
                    .anySatisfy(
                        hook -> {
                          assertThat(hook.body())
                              .contains("\"deploymentId\":\"" + deployment.getId() + "\"")
                              .contains("\"type\":\"deployment.succeeded\"");
                          assertThat(hook.signature())
                              .isEqualTo(
                                  WebhookReceiver.standardWebhooksSignature(
                                      env.webhookSecret, hook));
                        }));
    assertThat(env.webhook.refused())
        .as("the first attempt of each delivery was refused and retried")
        .isNotEmpty();
    long deliveries =
        env.count(
            "select count(*) from notifier.deliveries where deployment_id = ?::uuid",
            deployment.getId());
    assertThat(deliveries).as("requested and succeeded").isGreaterThanOrEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        env.webhook.received().stream()
                            .filter(
                                hook ->
                                    hook.body()
                                        .contains(
                                            "\"deploymentId\":\"" + deployment.getId() + "\""))
                            .map(WebhookReceiver.Received::id))
                    .as("one notification per event and channel, retries included")
                    .doesNotHaveDuplicates()
                    .hasSize((int) deliveries));
    assertThat(
            env.count(
                "select count(*) from notifier.delivery_attempts a join notifier.deliveries d on d.id = a.delivery_id"
                    + " where d.deployment_id = ?::uuid and not a.succeeded",
                deployment.getId()))
        .isPositive();

    Path reporter =
        env.token("health-service-e2e-" + deployment.getId().substring(0, 8), "internal");
    ReportStepResponse late =
        StepReportServiceGrpc.newBlockingStub(
                ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build())
            .withInterceptors(E2eEnvironment.bearer(reporter))
            .reportStep(
                ReportStepRequest.newBuilder()
                    .setDeploymentId(deployment.getId())
                    .setPhase(Phase.PHASE_VERIFY)
                    .setAttempt(1)
                    .setSucceeded(false)
                    .setSummary("a late, repeated report")
                    .setReporter("e2e")
                    .build());
    assertThat(late.getAccepted()).as("a repeated report changes nothing").isFalse();
    assertThat(env.status(deployment.getId()).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);

    List<ConsumerRecord<byte[], byte[]>> records = eventsOf(deployment.getId());
    List<DeploymentEvent> events = records.stream().map(AuditTopic::decode).toList();
    assertThat(events.stream().mapToLong(DeploymentEvent::getSequence))
        .as("every event of the deployment once, in sequence order")
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, deployment.getLastSequence()).boxed().toList());
    assertThat(events.getLast().getFinished().getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      DeploymentEvent event = AuditTopic.decode(record);
      assertThat(new String(record.key())).isEqualTo("journal/e2e");
      assertThat(AuditTopic.header(record, "ce_specversion")).isEqualTo("1.0");
      assertThat(AuditTopic.header(record, "ce_id")).isEqualTo(event.getEventId());
      assertThat(AuditTopic.header(record, "ce_type"))
          .isEqualTo(
              switch (event.getKindCase()) {
                case REQUESTED -> "dev.slipway.deployment.requested.v1";
                case PHASE_STARTED -> "dev.slipway.deployment.phase_started.v1";
                case PHASE_COMPLETED -> "dev.slipway.deployment.phase_completed.v1";
                case FINISHED -> "dev.slipway.deployment.finished.v1";
                // A phase that ran longer than the progress interval on a busy machine.
                case PHASE_PROGRESS -> "dev.slipway.deployment.phase_progress.v1";
                default -> throw new AssertionError("an event this release never emits: " + event);
              });
      assertThat(AuditTopic.header(record, "ce_source")).isEqualTo("/slipway/orchestrator");
      assertThat(AuditTopic.header(record, "ce_subject")).isEqualTo(deployment.getId());
      assertThat(AuditTopic.header(record, "ce_time")).isNotBlank();
      assertThat(AuditTopic.header(record, "content-type")).isEqualTo("application/protobuf");
    }
  }

  private void aBadReleaseIsRolledBackWithTheDatabaseRestoredAndTheFailingCheckNamed()
      throws Exception {
    List<String> before = journalEntries();

    Cli.Run run =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "--wait",
            "--timeout",
            "3m");

    assertThat(run.exit()).as(run.all()).isEqualTo(5);
    assertThat(run.all())
        .contains("ROLLED_BACK")
        .contains("check 'http http://127.0.0.1:" + env.journal.port() + "/health' failed")
        .contains("HTTP 503 (expected 200)");
    ListDeploymentsResponse.Builder newest = ListDeploymentsResponse.newBuilder();
    JsonFormat.parser()
        .merge(
            Cli.run(env.server(), "history", "--app", "journal", "--limit", "1", "-o", "json")
                .out(),
            newest);
    Deployment detail = env.status(newest.getDeployments(0).getId());
    assertThat(detail.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);

    assertThat(journalEntries()).as("the journal's data as it was before 2.0.0").isEqualTo(before);

    List<String[]> snapshot = artifacts(detail.getId(), "SNAPSHOT");
    assertThat(snapshot).as("the failed release's state is kept").hasSize(2);
    snapshot.forEach(artifact -> assertThat(Path.of(artifact[0])).exists());

    PhaseRecord revert =
        detail.getPhasesList().stream()
            .filter(p -> p.getPhase() == Phase.PHASE_REVERT)
            .findFirst()
            .orElseThrow();
    assertThat(revert.getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_SUCCEEDED);
    assertThat(revert.getLogList())
        .anySatisfy(line -> assertThat(line).contains("started journal 1.1.0"));

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + env.journal.port() + "/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"version\":\"1.1.0\"");
    assertThat(Cli.run(env.server(), "status", "--app", "journal", "--env", "e2e").out())
        .contains("1.1.0");
  }

  private void aManualRollbackReturnsToANamedOrTheLastGoodVersionAndOldBackupsExpire()
      throws Exception {
    Cli.Run nothingEarlier =
        Cli.run(env.server(), "rollback", "--app", "journal", "--env", "e2e", "--wait");
    assertThat(nothingEarlier.exit()).as("1.1.0 is the only version Slipway shipped").isEqualTo(12);
    assertThat(nothingEarlier.err()).contains("no earlier good version");

    Cli.Run unknownToTheLedger =
        Cli.run(env.server(), "rollback", "--app", "journal", "--env", "e2e", "--to", "1.0.0");
    assertThat(unknownToTheLedger.exit()).as("1.0.0 ran before Slipway took over").isEqualTo(12);
    assertThat(unknownToTheLedger.err())
        .contains("version 1.0.0 never ran on journal/e2e; the ledger knows 1.1.0, 2.0.0");

    Cli.Run toNamed =
        Cli.run(
            env.server(),
            "rollback",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--to",
            "1.0.0",
            "--force",
            "--reason",
            "the version that ran before Slipway",
            "--wait",
            "--timeout",
            "3m");
    assertThat(toNamed.exit()).as(toNamed.all()).isZero();
    assertThat(toNamed.out()).contains("forced: the version that ran before Slipway");
    assertThat(toNamed.out())
        .contains("1.0.0 (was 1.1.0)")
        .contains("SUCCEEDED")
        .contains("rollback");

    Cli.Run toLastGood =
        Cli.run(
            env.server(),
            "rollback",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--wait",
            "--timeout",
            "3m");
    assertThat(toLastGood.exit()).as(toLastGood.all()).isZero();
    assertThat(toLastGood.out()).contains("1.1.0 (was 1.0.0)");
    assertThat(Cli.run(env.server(), "status", "--app", "journal", "--env", "e2e").out())
        .contains("journal/e2e", "1.1.0");

    Cli.Run ledger =
        Cli.run(env.server(), "ledger", "--app", "journal", "--env", "e2e", "-o", "json");
    GetLedgerResponse.Builder entries = GetLedgerResponse.newBuilder();
    JsonFormat.parser().merge(ledger.out(), entries);
    assertThat(entries.getEntriesList())
        .as("good, bad, then two manual rollbacks, newest first")
        .extracting(e -> e.getVersion() + " " + e.getArrived() + " " + e.getLeft())
        .containsExactly(
            "1.1.0 rollback ",
            "1.0.0 rollback rolled_back",
            "1.1.0 automatic_rollback rolled_back",
            "2.0.0 deploy rolled_back",
            "1.1.0 deploy replaced");
    assertThat(entries.getEntries(1).getLeftReason())
        .isEqualTo("rolled back by hand to 1.1.0 by admin");
    assertThat(entries.getEntries(2).getDeployedBy()).isEqualTo("slipway");
    assertThat(entries.getEntries(3).getLeftReason()).startsWith("VERIFY failed: check");
    assertThat(entries.getEntries(3).getLeftEvidenceList()).isNotEmpty();

    try (Connection c = env.slipway();
        PreparedStatement select =
            c.prepareStatement(
                "select status, count(*) from backup.backup_sets where app = 'journal' and environment = 'e2e'"
                    + " and kind = 'BACKUP' group by status order by status");
        ResultSet rows = select.executeQuery()) {
      List<String> counts = new ArrayList<>();
      while (rows.next()) {
        counts.add(rows.getString(1) + "=" + rows.getLong(2));
      }
      assertThat(counts)
          .as("four backups taken, the target keeps three")
          .containsExactly("COMPLETE=3", "DELETED=1");
    }
    assertThat(
            env.count(
                "select count(*) from backup.backup_artifacts a join backup.backup_sets s on s.id = a.set_id"
                    + " where s.status = 'DELETED' and s.app = ?",
                "journal"))
        .isEqualTo(2);
    try (Connection c = env.slipway();
        PreparedStatement select =
            c.prepareStatement(
                "select a.path from backup.backup_artifacts a"
                    + " join backup.backup_sets s on s.id = a.set_id where s.status = 'DELETED' and s.app = 'journal'");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        assertThat(Path.of(rows.getString(1)))
            .as("expired backup files are deleted")
            .doesNotExist();
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> eventsOf(String deploymentId) {
    List<ConsumerRecord<byte[], byte[]>> all =
        AuditTopic.read(
            env.infrastructure.kafkaBootstrap(),
            Topics.DEPLOYMENTS,
            r -> {
              DeploymentEvent e = AuditTopic.decode(r);
              return e.getDeploymentId().equals(deploymentId) && e.hasFinished();
            },
            Duration.ofSeconds(30));
    return all.stream()
        .filter(r -> AuditTopic.decode(r).getDeploymentId().equals(deploymentId))
        .toList();
  }

  private void theRolledBackVersionIsQuarantinedUntilForcedWithAReasonOrReleased()
      throws Exception {
    String rolledBack = lastDeploymentWithStatus("ROLLED_BACK");
    Cli.Run again =
        Cli.run(env.server(), "deploy", "--app", "journal", "--env", "e2e", "--version", "2.0.0");
    assertThat(again.exit()).as(again.all()).isEqualTo(12);
    assertThat(again.err())
        .contains(
            "version 2.0.0 is quarantined on journal/e2e: deployment "
                + rolledBack
                + " rolled it back (VERIFY failed: check 'http http://127.0.0.1:"
                + env.journal.port()
                + "/health' failed")
        .contains("--force --reason");
    assertThat(Cli.run(env.server(), "quarantine", "list", "--app", "journal").out())
        .contains("journal/e2e  2.0.0  rolled back by " + rolledBack);

    Cli.Run noReason =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "--force");
    assertThat(noReason.exit()).as(noReason.all()).isEqualTo(2);
    assertThat(noReason.err()).contains("force_reason");

    Cli.Run forced =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "journal",
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "--force",
            "--reason",
            "retry after the schema fix",
            "--wait",
            "--timeout",
            "3m");
    assertThat(forced.exit())
        .as("it is still bad, and rolls back again: " + forced.all())
        .isEqualTo(5);
    Deployment detail =
        E2eEnvironment.deployment(
            Cli.run(env.server(), "status", lastDeploymentWithStatus("ROLLED_BACK"), "-o", "json")
                .out());
    assertThat(detail.getForceReason()).isEqualTo("retry after the schema fix");
    assertThat(detail.getRequestedBy()).isEqualTo("admin");
    assertThat(Cli.run(env.server(), "quarantine", "list", "--app", "journal").out())
        .as("quarantined again, by the newest rollback")
        .contains("journal/e2e  2.0.0  rolled back by " + detail.getId());

    Cli.Run released = releaseFromQuarantine("2.0.0", "fixed in 2.0.0's database migration");
    assertThat(released.exit()).as(released.all()).isZero();
    assertThat(Cli.run(env.server(), "quarantine", "list", "--app", "journal").out())
        .doesNotContain("2.0.0");
    assertThat(Cli.run(env.server(), "quarantine", "list", "--app", "journal", "--all").out())
        .contains("(released by admin: fixed in 2.0.0's database migration)");
    Cli.Run twice = releaseFromQuarantine("2.0.0", "again");
    assertThat(twice.exit()).as(twice.all()).isEqualTo(12);
    assertThat(twice.err()).contains("was already released").contains("by admin");
  }

  private static Cli.Run releaseFromQuarantine(String version, String reason) throws Exception {
    return Cli.run(
        env.server(),
        "quarantine",
        "release",
        "--app",
        "journal",
        "--env",
        "e2e",
        "--version",
        version,
        "--reason",
        reason);
  }

  private static String lastDeploymentWithStatus(String status) throws Exception {
    try (Connection c = env.slipway();
        PreparedStatement select =
            c.prepareStatement(
                "select id from orchestrator.deployments where app = 'journal' and status = ?"
                    + " order by created_at desc limit 1")) {
      select.setString(1, status);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).as("a deployment " + status).isTrue();
        return row.getString(1);
      }
    }
  }

  private static List<String[]> artifacts(String deploymentId, String kind) throws Exception {
    try (Connection c = env.slipway();
        PreparedStatement select =
            c.prepareStatement(
                "select a.path, a.sha256 from backup.backup_artifacts a join backup.backup_sets s on s.id = a.set_id"
                    + " where s.deployment_id = ?::uuid and s.kind = ? and s.status = 'COMPLETE' order by a.item_index")) {
      select.setString(1, deploymentId);
      select.setString(2, kind);
      List<String[]> rows = new ArrayList<>();
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(new String[] {result.getString(1), result.getString(2)});
        }
      }
      return rows;
    }
  }

  private static List<String> journalEntries() throws Exception {
    try (Connection c = env.journalDatabase();
        PreparedStatement select =
            c.prepareStatement(
                "select id || '|' || title || '|' || mood from entries order by id");
        ResultSet rows = select.executeQuery()) {
      List<String> entries = new ArrayList<>();
      while (rows.next()) {
        entries.add(rows.getString(1));
      }
      return entries;
    }
  }
}
