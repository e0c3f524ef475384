package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseRecord;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gates as people meet them: approvals by other identities, freeze windows, a queue, a bake
 * that catches a release going bad, and the ledger that tells the story afterwards.
 */
class GatesScenarioTest {
  private static E2eEnvironment env;
  private static String suffix;
  private static Path ci;
  private static Path alice;
  private static Path bob;

  @BeforeAll
  static void tokens() throws Exception {
    env = E2eEnvironment.get();
    suffix = UUID.randomUUID().toString().substring(0, 6);
    // The requester may approve elsewhere; four-eyes still stops them on their own release.
    ci = env.token("ci-" + suffix, "deploy:e2e", "approve:e2e", "read");
    alice = env.token("alice-" + suffix, "approve:e2e", "read");
    bob = env.token("bob-" + suffix, "approve:e2e", "read");
  }

  @Test
  void fourEyesApprovalsCountEachOtherIdentityOnceAndAreAnnounced() throws Exception {
    String app =
        target(
            "gated",
            "approval: { required: 2, timeout: 10m }\n"
                + "notify: [ { channel: ops, on: [approval_requested] } ]\n");
    CompletableFuture<Cli.Run> waiting =
        CompletableFuture.supplyAsync(
            () -> deploy(ci, app, "e2e", "1.0.0", "--wait", "--timeout", "2m"));
    String id = awaitStatus(app, DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL).getId();
    assertThat(env.status(id).getReason()).isEqualTo("waiting for approval (0 of 2)");

    Cli.Run own = Cli.as(ci, env.server(), "approve", id);
    assertThat(own.exit()).as(own.all()).isEqualTo(12);
    assertThat(own.err())
        .contains("ci-" + suffix + " requested this deployment and cannot approve it");
    Cli.Run first = Cli.as(alice, env.server(), "approve", id, "--comment", "looks good");
    assertThat(first.exit()).as(first.all()).isZero();
    Cli.Run again = Cli.as(alice, env.server(), "approve", id);
    assertThat(again.exit()).as(again.all()).isEqualTo(12);
    assertThat(again.err()).contains("has already approved (1 of 2); each identity counts once");
    assertThat(env.status(id).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);
    assertThat(Cli.as(bob, env.server(), "approve", id).exit()).isZero();

    Cli.Run run = waiting.get();
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.err())
        .contains("waiting for approval (0 of 2)")
        .contains("approved by alice-" + suffix + " (1 of 2): looks good")
        .contains("approved by bob-" + suffix + " (2 of 2)")
        .contains("finished: SUCCEEDED");
    assertThat(run.err().indexOf("approved by bob"))
        .isLessThan(run.err().indexOf("DEPLOY started"));
    Deployment done = env.status(id);
    assertThat(done.getApprovalsList())
        .extracting(a -> a.getBy() + ": " + a.getComment())
        .containsExactly("alice-" + suffix + ": looks good", "bob-" + suffix + ": ");
    assertThat(kinds(id))
        .containsExactly(
            "REQUESTED",
            "APPROVAL_REQUESTED",
            "APPROVAL_GIVEN",
            "APPROVAL_GIVEN",
            "PHASE_STARTED",
            "PHASE_COMPLETED",
            "FINISHED");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.webhook.received())
                    .anySatisfy(
                        r ->
                            assertThat(r.body())
                                .contains("\"type\":\"deployment.approval_requested\"")
                                .contains(id)
                                .contains("slipway approve " + id)));

    Cli.Run reader = Cli.as(env.token("reader-" + suffix, "read"), env.server(), "approve", id);
    assertThat(reader.exit()).isEqualTo(12);
    assertThat(reader.err()).contains("lacks the scope approve:e2e");
  }

  @Test
  void aNewerReleaseSupersedesOneAwaitingApprovalAndARejectionEndsIt() throws Exception {
    String app = target("superseded", "approval: { required: 1 }\n");
    String older = created(deploy(ci, app, "e2e", "1.1.0", "-o", "json"));
    String newer = created(deploy(ci, app, "e2e", "1.2.0", "-o", "json"));
    Deployment cancelled = env.status(older);
    assertThat(cancelled.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_CANCELLED);
    assertThat(cancelled.getReason())
        .isEqualTo(
            "superseded by deployment "
                + newer
                + " of version 1.2.0 (requested by ci-"
                + suffix
                + ")");
    assertThat(env.status(newer).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);

    Cli.Run reject = Cli.as(bob, env.server(), "reject", newer, "--reason", "not during the sale");
    assertThat(reject.exit()).as(reject.all()).isZero();
    Deployment rejected = env.status(newer);
    assertThat(rejected.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_FAILED);
    assertThat(rejected.getReason())
        .isEqualTo("rejected by bob-" + suffix + ": not during the sale");
    assertThat(rejected.getPhasesList()).as("nothing ran").isEmpty();
    assertThat(kinds(newer))
        .containsExactly("REQUESTED", "APPROVAL_REQUESTED", "APPROVAL_REJECTED", "FINISHED");
  }

  @Test
  void anApprovalThatExpiresFailsTheReleaseAndALateApprovalIsRefused() throws Exception {
    String app = target("expiring", "approval: { required: 1, timeout: 2s }\n");
    Cli.Run run = deploy(ci, app, "e2e", "1.0.0", "--wait", "--timeout", "1m", "-o", "json");
    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    Deployment expired = E2eEnvironment.deployment(run.out());
    assertThat(expired.getReason()).isEqualTo("approval expired: 0 of 1 within 2s");
    Cli.Run late = Cli.as(alice, env.server(), "approve", expired.getId());
    assertThat(late.exit()).as(late.all()).isEqualTo(12);
    assertThat(late.err()).contains("deployment already finished as FAILED (approval expired");
    assertThat(kinds(expired.getId()))
        .containsExactly("REQUESTED", "APPROVAL_REQUESTED", "APPROVAL_EXPIRED", "FINISHED");
  }

  @Test
  void queuedReleasesRunInOrderAndAQueuedOneCanBeCancelled() throws Exception {
    // Each deploy takes seconds, so the later ones are created while the first still runs.
    String app = target("queued", "", "deploy: { command: [sleep, \"4\"] }\n");
    List<String> ids = new ArrayList<>();
    for (String version : List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0")) {
      ids.add(created(deploy(ci, app, "e2e", version, "--queue", "-o", "json")));
    }
    Cli.Run busy = deploy(ci, app, "e2e", "9.0.0");
    assertThat(busy.exit()).isEqualTo(12);
    assertThat(busy.err()).contains("is busy").contains("--queue");
    List<DeploymentEvent> queued = events(ids.get(2));
    assertThat(queued.get(1).getQueued().getBehindDeploymentId()).isEqualTo(ids.get(1));
    assertThat(queued.get(1).getQueued().getPosition()).isEqualTo(2);
    Deployment third = env.status(ids.get(2));
    assertThat(third.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_QUEUED);
    assertThat(third.getQueuePosition()).isEqualTo(2);
    assertThat(Cli.run(env.server(), "status", ids.get(2)).out()).contains("queue position: 2");
    Cli.Run cancel = Cli.run(env.server(), "cancel", ids.get(3), "--reason", "not needed");
    assertThat(cancel.exit()).as(cancel.all()).isZero();

    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                env.status(ids.get(2)).getStatus().getNumber()
                    == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED_VALUE);
    List<Instant> deployed = new ArrayList<>();
    for (String id : ids.subList(0, 3)) {
      Deployment d = env.status(id);
      assertThat(d.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      deployed.add(
          Instant.ofEpochSecond(
              E2eEnvironment.phase(d, Phase.PHASE_DEPLOY).getStartedAt().getSeconds(),
              E2eEnvironment.phase(d, Phase.PHASE_DEPLOY).getStartedAt().getNanos()));
    }
    assertThat(deployed).isSorted();
    assertThat(env.status(ids.get(3)).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_CANCELLED);
    assertThat(env.status(ids.get(2)).getPreviousVersion())
        .as("a queued release reverts to what ran when it started, not when it was asked for")
        .isEqualTo("1.1.0");
    assertThat(env.status(ids.get(1)).getPreviousVersion()).isEqualTo("1.0.0");
    assertThat(ledger(app).getEntriesList())
        .extracting(e -> e.getVersion() + " " + e.getLeft())
        .containsExactly("1.2.0 ", "1.1.0 replaced", "1.0.0 replaced");
  }

  @Test
  void aFreezeRefusesReleasesUntilItEndsAndAnOverrideNeedsItsScopeAndAReason() throws Exception {
    String environment = "frozen-" + suffix;
    env.apply(
        Files.createTempDirectory("freeze"),
        "frozen",
        """
        app: shop
        environment: %s
        deploy: { command: ["true"] }
        """
            .formatted(environment));
    Path window =
        Files.writeString(
            Files.createTempFile("window", ".yaml"),
            """
        environment: %s
        name: launch
        reason: launch day
        startsAt: "%s"
        endsAt: "%s"
        """
                .formatted(
                    environment,
                    Instant.now().minusSeconds(60),
                    Instant.parse("2099-01-01T00:00:00Z")));
    assertThat(Cli.run(env.server(), "freeze", "apply", "-f", window.toString()).exit()).isZero();
    assertThat(Cli.run(env.server(), "freeze", "list", "--env", environment).out())
        .contains(environment + "/launch")
        .contains("IN FORCE until 2099-01-01 00:00:00Z");
    Path releaser = env.token("releaser-" + suffix, "deploy:" + environment, "read");
    Path oncall =
        env.token(
            "oncall-" + suffix, "deploy:" + environment, "freeze:override:" + environment, "read");

    Cli.Run refused = deploy(releaser, "shop", environment, "1.0.0");
    assertThat(refused.exit()).as(refused.all()).isEqualTo(12);
    assertThat(refused.err())
        .contains(
            "environment "
                + environment
                + " is frozen by window 'launch' (launch day) until 2099-01-01T00:00:00Z");
    Cli.Run noScope =
        deploy(releaser, "shop", environment, "1.0.0", "--override-freeze", "--reason", "hotfix");
    assertThat(noScope.exit()).isEqualTo(12);
    assertThat(noScope.err()).contains("needs the scope freeze:override:" + environment);
    Cli.Run noReason = deploy(oncall, "shop", environment, "1.0.0", "--override-freeze");
    assertThat(noReason.exit()).isEqualTo(2);
    assertThat(noReason.err()).contains("override_freeze_reason");

    Cli.Run overridden =
        deploy(
            oncall,
            "shop",
            environment,
            "1.0.0",
            "--override-freeze",
            "--reason",
            "payment outage fix",
            "--wait",
            "-o",
            "json");
    assertThat(overridden.exit()).as(overridden.all()).isZero();
    Deployment d = E2eEnvironment.deployment(overridden.out());
    assertThat(d.getFreezeOverrideReason()).isEqualTo("payment outage fix");
    DeploymentEvent event =
        events(d.getId()).stream()
            .filter(DeploymentEvent::hasFreezeOverridden)
            .findFirst()
            .orElseThrow();
    assertThat(event.getFreezeOverridden().getWindow()).isEqualTo("launch");
    assertThat(event.getFreezeOverridden().getReason()).isEqualTo("payment outage fix");
    assertThat(event.getFreezeOverridden().getBy()).isEqualTo("oncall-" + suffix);
    assertThat(overridden.err()).contains("freeze window 'launch' overridden by oncall-" + suffix);

    assertThat(
            Cli.run(env.server(), "freeze", "delete", "--env", environment, "--name", "launch")
                .exit())
        .isZero();
    assertThat(deploy(releaser, "shop", environment, "1.1.0", "--wait").exit()).isZero();
  }

  @Test
  void aBakeCatchesAReleaseGoingBadAfterVerifyAndTheLedgerTellsTheStory() throws Exception {
    Path dir = Files.createTempDirectory("baked");
    AtomicBoolean sick = new AtomicBoolean();
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/health",
        exchange -> {
          Path current = dir.resolve("current");
          String version = Files.exists(current) ? Files.readString(current) : "";
          int status = version.equals("2.0.0") && sick.get() ? 500 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    app.start();
    try {
      String name =
          target(
              "baked",
              """
          health:
            checks: [ { type: http, name: web, url: "http://127.0.0.1:%d/health" } ]
            interval: 500ms
            failureThreshold: 2
            bake: 5m
          """
                  .formatted(app.getAddress().getPort()),
              """
          deploy:
            command: [/bin/sh, -c, 'printf %%s "$1" > %s/current', sh, "${version}"]
          """
                  .formatted(dir));

      String first = created(deploy(ci, name, "e2e", "1.0.0", "-o", "json"));
      awaitStatus(name, DeploymentStatus.DEPLOYMENT_STATUS_BAKE);
      assertThat(Cli.as(ci, env.server(), "promote", first).exit()).isZero();
      Deployment promoted = env.status(first);
      assertThat(promoted.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      assertThat(E2eEnvironment.phase(promoted, Phase.PHASE_BAKE).getSummary())
          .isEqualTo("promoted by ci-" + suffix + " before the bake ended");

      CompletableFuture<Cli.Run> release =
          CompletableFuture.supplyAsync(
              () -> deploy(ci, name, "e2e", "2.0.0", "--wait", "--timeout", "3m", "-o", "json"));
      String second = awaitStatus(name, DeploymentStatus.DEPLOYMENT_STATUS_BAKE).getId();
      await("three healthy bake rounds")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  env.count(
                          "select count(distinct round) from health.check_results"
                              + " where deployment_id = ?::uuid and phase = 'BAKE' and passed",
                          second)
                      >= 3);
      sick.set(true);
      Cli.Run run = release.get();
      assertThat(run.exit()).as(run.all()).isEqualTo(5);
      Deployment bad = E2eEnvironment.deployment(run.out());
      assertThat(bad.getReason())
          .startsWith("BAKE failed: after ")
          .contains("check 'web' failed 2 rounds in a row");
      assertThat(bad.getPhasesList())
          .extracting(p -> p.getPhase() + " " + p.getOutcome())
          .containsExactly(
              "PHASE_DEPLOY PHASE_OUTCOME_SUCCEEDED",
              "PHASE_VERIFY PHASE_OUTCOME_SUCCEEDED",
              "PHASE_BAKE PHASE_OUTCOME_FAILED",
              "PHASE_REVERT PHASE_OUTCOME_SUCCEEDED",
              "PHASE_VERIFY_ROLLBACK PHASE_OUTCOME_SUCCEEDED");
      assertThat(Files.readString(dir.resolve("current"))).isEqualTo("1.0.0");

      GetLedgerResponse ledger = ledger(name);
      assertThat(ledger.getEntriesList())
          .extracting(e -> e.getVersion() + " " + e.getArrived() + " " + e.getLeft())
          .containsExactly(
              "1.0.0 automatic_rollback ", "2.0.0 deploy rolled_back", "1.0.0 deploy replaced");
      assertThat(ledger.getEntries(1).getLeftReason()).isEqualTo(bad.getReason());
      assertThat(ledger.getEntries(1).getLeftEvidenceList())
          .singleElement()
          .satisfies(e -> assertThat(e.getName()).isEqualTo("web"));
      assertThat(ledger.getEntries(2).getDeployedBy()).isEqualTo("ci-" + suffix);
      assertThat(ledger.getEntries(0).hasUntil()).isFalse();
      Cli.Run printed = Cli.run(env.server(), "ledger", "--app", name, "--env", "e2e");
      assertThat(printed.out()).contains("2.0.0").contains("rolled back by " + bad.getId());

      Cli.Run unknown =
          Cli.run(env.server(), "rollback", "--app", name, "--env", "e2e", "--to", "0.9.0");
      assertThat(unknown.exit()).isEqualTo(12);
      assertThat(unknown.err())
          .contains("version 0.9.0 never ran on " + name + "/e2e; the ledger knows 1.0.0, 2.0.0");
    } finally {
      app.stop(0);
    }
  }

  @Test
  void aCheckThatCannotResolveItsHostIsErroredNotARollback() throws Exception {
    String name =
        target(
            "unresolvable",
            """
        health:
          checks: [ { type: http, name: api, url: "http://slipway-nowhere.invalid/health" } ]
          interval: 200ms
          errorLimit: 2
        """);
    Cli.Run run = deploy(ci, name, "e2e", "1.0.0", "--wait", "--timeout", "2m", "-o", "json");
    assertThat(run.exit()).as(run.all()).isEqualTo(1);
    Deployment d = E2eEnvironment.deployment(run.out());
    assertThat(d.getReason()).startsWith("VERIFY could not run: check 'api' could not run");
    assertThat(d.getPhasesList())
        .extracting(PhaseRecord::getOutcome)
        .containsExactly(PhaseOutcome.PHASE_OUTCOME_SUCCEEDED, PhaseOutcome.PHASE_OUTCOME_ERRORED);
  }

  @Test
  void anApprovedReleaseWaitsOutAFreezeInHeldAndAManualRollbackIsNeverStuckBehindIt()
      throws Exception {
    String environment = "held-" + suffix;
    env.apply(
        Files.createTempDirectory("held"),
        "held",
        "app: shop\nenvironment: "
            + environment
            + "\ndeploy: { command: [\"true\"] }\napproval: { required: 1 }\n");
    Path releaser = env.token("held-ci-" + suffix, "deploy:" + environment, "read");
    Path approver = env.token("held-approver-" + suffix, "approve:" + environment, "read");
    String first = created(deploy(releaser, "shop", environment, "1.0.0", "-o", "json"));
    assertThat(Cli.as(approver, env.server(), "approve", first).exit()).isZero();
    awaitStatus("shop", environment, DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);

    String second = created(deploy(releaser, "shop", environment, "1.1.0", "-o", "json"));
    Path window = freezeWindow(environment);
    assertThat(Cli.as(approver, env.server(), "approve", second).exit()).isZero();
    Deployment held = env.status(second);
    assertThat(held.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_HELD);
    assertThat(held.getReason())
        .isEqualTo("held by freeze window 'audit' (auditors on site) until 2099-01-01T00:00:00Z");
    assertThat(held.getPhasesList()).as("nothing ran").isEmpty();
    assertThat(
            Cli.run(env.server(), "freeze", "delete", "--env", environment, "--name", "audit")
                .exit())
        .isZero();
    awaitStatus("shop", environment, DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(kinds(second))
        .containsExactly(
            "REQUESTED",
            "APPROVAL_REQUESTED",
            "APPROVAL_GIVEN",
            "HELD",
            "PHASE_STARTED",
            "PHASE_COMPLETED",
            "FINISHED");

    String third = created(deploy(releaser, "shop", environment, "1.2.0", "-o", "json"));
    assertThat(Cli.run(env.server(), "freeze", "apply", "-f", window.toString()).exit()).isZero();
    assertThat(Cli.as(approver, env.server(), "approve", third).exit()).isZero();
    assertThat(env.status(third).getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_HELD);
    Cli.Run rollback =
        Cli.run(
            env.server(),
            "rollback",
            "--app",
            "shop",
            "--env",
            environment,
            "--to",
            "1.0.0",
            "--wait",
            "--timeout",
            "1m");
    assertThat(rollback.exit()).as(rollback.all()).isZero();
    assertThat(env.status(third).getReason()).startsWith("superseded by deployment ");
    assertThat(env.status(third).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_CANCELLED);
    assertThat(
            Cli.run(env.server(), "freeze", "delete", "--env", environment, "--name", "audit")
                .exit())
        .isZero();
  }

  private static Path freezeWindow(String environment) throws Exception {
    Path window =
        Files.writeString(
            Files.createTempFile("window", ".yaml"),
            """
        environment: %s
        name: audit
        reason: auditors on site
        startsAt: "%s"
        endsAt: "2099-01-01T00:00:00Z"
        """
                .formatted(environment, Instant.now().minusSeconds(60)));
    assertThat(Cli.run(env.server(), "freeze", "apply", "-f", window.toString()).exit()).isZero();
    return window;
  }

  /** Registers a target of this run; {@code deploy} replaces the default command. */
  private static String target(String kind, String extra) throws Exception {
    return target(kind, extra, "deploy: { command: [\"true\"] }\n");
  }

  private static String target(String kind, String extra, String deploy) throws Exception {
    String app = kind + "-" + suffix;
    env.apply(
        Files.createTempDirectory(kind),
        kind,
        "app: " + app + "\nenvironment: e2e\n" + deploy + extra);
    return app;
  }

  /** {@code slipway deploy} of a version to a target as the holder of {@code token}. */
  private static Cli.Run deploy(
      Path token, String app, String environment, String version, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of("deploy", "--app", app, "--env", environment, "--version", version));
    args.addAll(List.of(options));
    return Cli.as(token, env.server(), args.toArray(String[]::new));
  }

  private static String created(Cli.Run run) throws Exception {
    assertThat(run.exit()).as(run.all()).isZero();
    return E2eEnvironment.deployment(run.out()).getId();
  }

  /** The target's newest deployment, once it stands in {@code status}. */
  private static Deployment awaitStatus(String app, DeploymentStatus status) {
    return awaitStatus(app, "e2e", status);
  }

  private static Deployment awaitStatus(String app, String environment, DeploymentStatus status) {
    return await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String id =
                  Cli.run(env.server(), "status", "--app", app, "--env", environment, "-o", "json")
                      .out()
                      .replaceAll("(?s).*\"lastDeploymentId\": \"([^\"]+)\".*", "$1");
              return env.status(id);
            },
            d -> d.getStatus() == status);
  }

  private static GetLedgerResponse ledger(String app) throws Exception {
    Cli.Run run = Cli.run(env.server(), "ledger", "--app", app, "--env", "e2e", "-o", "json");
    assertThat(run.exit()).as(run.all()).isZero();
    GetLedgerResponse.Builder ledger = GetLedgerResponse.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(run.out(), ledger);
    return ledger.build();
  }

  /** Every event of a deployment as stored for the topic, in sequence. */
  private static List<DeploymentEvent> events(String id) throws Exception {
    List<DeploymentEvent> events = new ArrayList<>();
    try (Connection c = env.slipway();
        PreparedStatement q =
            c.prepareStatement(
                "select payload from orchestrator.events where deployment_id = ?::uuid order by sequence")) {
      q.setString(1, id);
      try (ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          events.add(DeploymentEvent.parseFrom(rows.getBytes(1)));
        }
      }
    }
    return events;
  }

  private static List<String> kinds(String id) throws Exception {
    return events(id).stream().map(e -> e.getKindCase().name()).toList();
  }
}
