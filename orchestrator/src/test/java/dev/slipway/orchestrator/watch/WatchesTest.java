package dev.slipway.orchestrator.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.orchestrator.targets.Targets;
import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.HealthVerdict;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's side of the standing watch on a real PostgreSQL: which targets are watched, a
 * verdict taken only for the running version while no deployment runs, and a change stored on the
 * ledger and published once as a target event.
 */
class WatchesTest {
  private static ApplicationContext context;
  private static Watches watches;
  private static Deployments deployments;
  private static Transactions transactions;

  @BeforeAll
  static void start() throws Exception {
    context = OrchestratorFixtures.context("watches");
    watches = context.getBean(Watches.class);
    deployments = context.getBean(Deployments.class);
    transactions = context.getBean(Transactions.class);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void aChangeIsStoredAndPublishedOnceAndOnlyForTheRunningVersionBetweenReleases() {
    apply("watched", "true", true);
    apply("unwatched", "true", false);
    UUID first = release("watched", "1.0.0");
    release("unwatched", "1.0.0");

    assertThat(watches.page(0, "").watches())
        .as("only the target whose running version's spec has a watch")
        .extracting(w -> w.app() + " " + w.version() + " " + w.health() + " " + w.paused())
        .containsExactly("watched 1.0.0 UNCHECKED false");

    assertThat(report(first, HealthVerdict.HEALTH_VERDICT_UNHEALTHY, "check 'up' failed"))
        .isEqualTo(new Watches.Report(true, true));
    assertThat(report(first, HealthVerdict.HEALTH_VERDICT_UNHEALTHY, "check 'up' failed again"))
        .as("the same verdict again changes nothing")
        .isEqualTo(new Watches.Report(true, false));
    assertThat(report(UUID.randomUUID(), HealthVerdict.HEALTH_VERDICT_HEALTHY, "stale"))
        .as("a watch of another release is stale")
        .isEqualTo(new Watches.Report(false, false));
    long entry = watches.one("watched", "qa").orElseThrow().id();
    assertThat(
            watches.report(
                "watched", "qa", first, entry + 1, HealthVerdict.HEALTH_VERDICT_HEALTHY, "other"))
        .as("a watch of another ledger entry of the same deployment is stale")
        .isEqualTo(new Watches.Report(false, false));
    assertThatThrownBy(() -> report(first, HealthVerdict.HEALTH_VERDICT_UNSPECIFIED, ""))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("verdict: must be HEALTHY, UNHEALTHY or UNCHECKED");

    assertThat(ledger("watched")).containsExactly("1.0.0 UNHEALTHY check 'up' failed");
    List<DeploymentEvent> events = targetEvents("watched/qa");
    assertThat(events).hasSize(1);
    DeploymentEvent changed = events.getFirst();
    assertThat(changed.getDeploymentId()).isEmpty();
    assertThat(changed.getSequence()).isZero();
    assertThat(changed.getTarget().getApp()).isEqualTo("watched");
    assertThat(changed.getHealthChanged().getVerdict())
        .isEqualTo(HealthVerdict.HEALTH_VERDICT_UNHEALTHY);
    assertThat(changed.getHealthChanged().getPrevious())
        .as("its release ran no checks")
        .isEqualTo(HealthVerdict.HEALTH_VERDICT_UNCHECKED);
    assertThat(changed.getHealthChanged().getVersion()).isEqualTo("1.0.0");
    assertThat(changed.getHealthChanged().getDeploymentId()).isEqualTo(first.toString());
    assertThat(changed.getHealthChanged().getSummary()).isEqualTo("check 'up' failed");

    // A release under way pauses the watch: its verdicts are not taken.
    apply("watched", "sleep 3", true);
    UUID second =
        deployments
            .create(new Deployments.Request("watched", "qa", "2.0.0", Kind.DEPLOY, "w-2", "ci"))
            .deployment()
            .id();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> watches.one("watched", "qa").map(WatchRepository.Watched::paused).orElse(false));
    assertThat(report(first, HealthVerdict.HEALTH_VERDICT_HEALTHY, "recovered"))
        .isEqualTo(new Watches.Report(false, false));
    assertThat(targetEvents("watched/qa")).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(single("select status from deployments where id = '" + second + "'")));
    assertThat(watches.page(0, "").watches())
        .as("the new version is watched from unchecked: its release ran no checks")
        .extracting(w -> w.version() + " " + w.deploymentId() + " " + w.health() + " " + w.paused())
        .containsExactly("2.0.0 " + second + " UNCHECKED false");
  }

  private static void apply(String app, String command, boolean watched) {
    context
        .getBean(Targets.class)
        .apply(
            TargetDocuments.parse(
                "app: "
                    + app
                    + "\nenvironment: qa\ndeploy: { command: [\"sh\", \"-c\", \""
                    + command
                    + "\"] }\n"
                    + (watched
                        ? "watch: { interval: 1s, checks: [{ type: tcp, name: up, address:"
                            + " \"127.0.0.1:1\" }] }\n"
                        : "")));
  }

  private static UUID release(String app, String version) {
    UUID id =
        deployments
            .create(new Deployments.Request(app, "qa", version, Kind.DEPLOY, app + version, "ci"))
            .deployment()
            .id();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(single("select status from deployments where id = '" + id + "'")));
    return id;
  }

  private static Watches.Report report(UUID deployment, HealthVerdict verdict, String summary) {
    long entry = watches.one("watched", "qa").map(WatchRepository.Watched::id).orElse(0L);
    return watches.report("watched", "qa", deployment, entry, verdict, summary);
  }

  private static List<String> ledger(String app) {
    return rows(
        "select version || ' ' || health || ' ' || health_summary from ledger where app = '"
            + app
            + "' and until is null");
  }

  private static List<DeploymentEvent> targetEvents(String key) {
    return transactions.read(
        c -> {
          List<DeploymentEvent> events = new ArrayList<>();
          try (var rows =
              c.createStatement()
                  .executeQuery(
                      "select payload from events where deployment_id is null and sequence = 0"
                          + " and target_key = '"
                          + key
                          + "' order by id")) {
            while (rows.next()) {
              events.add(parse(rows.getBytes(1)));
            }
          }
          return events;
        });
  }

  private static DeploymentEvent parse(byte[] payload) {
    try {
      return DeploymentEvent.parseFrom(payload);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static String single(String sql) {
    List<String> found = rows(sql);
    return found.isEmpty() ? null : found.getFirst();
  }

  private static List<String> rows(String sql) {
    return transactions.read(
        c -> {
          List<String> values = new ArrayList<>();
          try (var rows = c.createStatement().executeQuery(sql)) {
            while (rows.next()) {
              values.add(rows.getString(1));
            }
          }
          return values;
        });
  }
}
