package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.devstack.Service;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.ListCheckRoundsResponse;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import dev.slipway.proto.v1.ListFreezeWindowsResponse;
import dev.slipway.proto.v1.ListQuarantinedResponse;
import dev.slipway.proto.v1.ListTargetsResponse;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseRecord;
import dev.slipway.proto.v1.QuarantinedVersion;
import dev.slipway.proto.v1.StepLogPage;
import dev.slipway.proto.v1.Target;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The REST API as a plain HTTP client meets it: a release from create to SUCCEEDED with an
 * approval, every steering call, the workers' read models, problems for bad input and refusals,
 * browser sessions with CSRF, event streams that resume, and a document that validates and names
 * nothing the tests did not call.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiTest {
  private static final Duration RELEASE = Duration.ofSeconds(90);
  private static E2eEnvironment env;
  private static RestClient rest;
  private static String admin;
  private static String deployer;
  private static String approver;
  private static String reader;
  private static String suffix;
  private static int httpPort;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
    rest = RestClient.of(env);
    httpPort = env.stack.httpPort(Service.ORCHESTRATOR);
    suffix = UUID.randomUUID().toString().substring(0, 6);
    admin = RestClient.secret(env.stack.adminTokenFile());
    deployer = RestClient.secret(env.token("rest-ci-" + suffix, "deploy:e2e", "read"));
    approver = RestClient.secret(env.token("rest-approver-" + suffix, "approve:e2e", "read"));
    reader = RestClient.secret(env.token("rest-reader-" + suffix, "read"));
  }

  /**
   * A target spec in JSON: a deploy that logs, a files backup, a tcp check on the orchestrator's
   * own port; {@code health} and {@code more} add fields to the health spec and to the spec.
   */
  private static String spec(String deploy, String health, String more) throws Exception {
    Path data = Files.createTempDirectory("rest-data");
    Files.writeString(data.resolve("state.txt"), "state\n");
    return """
        {"deploy": {"command": ["sh", "-c", "%s"]},
         "backup": {"items": [{"type": "files", "paths": ["%s"]}]},
         "health": {"checks": [{"type": "tcp", "name": "port", "address": "127.0.0.1:%d"}],
                    "interval": "200ms"%s}%s}
        """
        .formatted(deploy, data, httpPort, health, more);
  }

  private static String spec(String more) throws Exception {
    return spec("echo deploying ${version}; echo done", "", more);
  }

  private static Target apply(String app, String json) throws Exception {
    RestClient.Response applied =
        rest.call("PUT", "/api/v1/targets/{app}/{environment}", app, "e2e")
            .as(admin)
            .json(json)
            .send();
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    return applied.as(Target.newBuilder()).build();
  }

  private static Deployment create(String token, String app, String version, String key)
      throws Exception {
    RestClient.Call call =
        rest.call("POST", "/api/v1/deployments")
            .as(token)
            .json(
                """
                {"app": "%s", "environment": "e2e", "version": "%s"}"""
                    .formatted(app, version));
    if (key != null) {
      call.header("Idempotency-Key", key);
    }
    RestClient.Response created = call.send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Deployment deployment = created.as(Deployment.newBuilder()).build();
    assertThat(created.header("Location")).isEqualTo("/api/v1/deployments/" + deployment.getId());
    return deployment;
  }

  private static Deployment get(String id) throws Exception {
    RestClient.Response got =
        rest.call("GET", "/api/v1/deployments/{id}", id).as(reader).query("logTail", 20).send();
    assertThat(got.status()).as(got.toString()).isEqualTo(200);
    return got.as(Deployment.newBuilder()).build();
  }

  private static Deployment awaitStatus(String id, DeploymentStatus status) {
    return await()
        .atMost(RELEASE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(id), d -> d.getStatus() == status || d.hasFinishedAt());
  }

  private static RestClient.Response post(
      String token, String template, String json, Object... args) throws Exception {
    RestClient.Call call = rest.call("POST", template, args).json(json);
    return (token == null ? call : call.as(token)).send();
  }

  private static List<DeploymentEvent> events(List<SseStream.Event> stream) throws Exception {
    List<DeploymentEvent> events = new ArrayList<>();
    for (SseStream.Event e : stream) {
      if (e.name().equals("deployment-event")) {
        DeploymentEvent.Builder event = DeploymentEvent.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(e.data(), event);
        events.add(event.build());
      }
    }
    return events;
  }

  @Test
  @Order(1)
  void aReleaseGoesFromCreateThroughAnApprovalToSucceededWithItsEvidence() throws Exception {
    String app = "rest-release-" + suffix;
    Target target =
        apply(
            app,
            spec(
                """
                , "approval": {"required": 1},
                "notify": [{"channel": "ops", "on": ["succeeded"]}]"""));
    assertThat(target.getSpec().getApp()).isEqualTo(app);

    try (SseStream feed = rest.call("GET", "/api/v1/events").as(reader).stream()) {
      String key = "rest-" + UUID.randomUUID();
      Deployment created = create(deployer, app, "1.0.0", key);
      assertThat(create(deployer, app, "1.0.0", key).getId()).isEqualTo(created.getId());
      String id = created.getId();
      awaitStatus(id, DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);

      RestClient.Response own = post(deployer, "/api/v1/deployments/{id}/approve", "{}", id);
      assertProblem(own, 403, "forbidden");
      assertThat(own.json().path("detail").asText()).contains("lacks the scope approve:e2e");
      RestClient.Response approved =
          post(approver, "/api/v1/deployments/{id}/approve", "{\"comment\": \"looks good\"}", id);
      assertThat(approved.status()).as(approved.toString()).isEqualTo(200);

      List<SseStream.Event> stream;
      try (SseStream events =
          rest.call("GET", "/api/v1/deployments/{id}/events", id).as(reader).stream()) {
        stream = events.until(e -> e.name().equals("end"), RELEASE);
      }
      List<DeploymentEvent> watched = events(stream);
      assertThat(watched)
          .extracting(DeploymentEvent::getSequence)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, watched.size()).boxed().toList());
      assertThat(stream).extracting(SseStream.Event::id).filteredOn(i -> i != null).startsWith("1");
      assertThat(stream.getLast().name()).isEqualTo("end");
      DeploymentEvent finished = watched.getLast();
      assertThat(finished.getFinished().getStatus())
          .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);

      List<DeploymentEvent> fed =
          events(
              feed.until(e -> e.data().contains(id) && e.data().contains("\"finished\""), RELEASE));
      assertThat(fed.stream().filter(e -> e.getDeploymentId().equals(id)).toList())
          .isEqualTo(watched);

      Deployment done = get(id);
      assertThat(done.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
      assertThat(done.getRequestedBy()).isEqualTo("rest-ci-" + suffix);
      assertThat(done.getApprovalsList())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getBy()).isEqualTo("rest-approver-" + suffix);
                assertThat(a.getComment()).isEqualTo("looks good");
              });
      PhaseRecord deploy = E2eEnvironment.phase(done, Phase.PHASE_DEPLOY);
      assertThat(deploy.getLogList()).contains("deploying 1.0.0", "done");

      RestClient.Response page =
          rest.call(
                  "GET",
                  "/api/v1/deployments/{id}/phases/{phase}/attempts/{attempt}/log",
                  id,
                  "DEPLOY",
                  1)
              .as(reader)
              .query("pageSize", 1)
              .send();
      assertThat(page.as(StepLogPage.newBuilder()).build().getLinesList())
          .extracting(l -> l.getLineNo() + " " + l.getText())
          .containsExactly("1 deploying 1.0.0");
      RestClient.Response whole =
          rest.call(
                  "GET",
                  "/api/v1/deployments/{id}/phases/{phase}/attempts/{attempt}/log.txt",
                  id,
                  "DEPLOY",
                  1)
              .as(reader)
              .send();
      assertThat(whole.body()).isEqualTo("deploying 1.0.0\ndone\n");
      assertThat(whole.header("Content-Disposition")).contains(id + "-deploy-1.log");

      ListDeploymentsResponse filtered =
          rest.call("GET", "/api/v1/deployments")
              .as(reader)
              .query("app", app)
              .query("environment", "e2e")
              .query("status", "SUCCEEDED")
              .query("requestedBy", "rest-ci-" + suffix)
              .query("version", "1.0.0")
              .send()
              .as(ListDeploymentsResponse.newBuilder())
              .build();
      assertThat(filtered.getDeploymentsList()).extracting(Deployment::getId).containsExactly(id);
      ListDeploymentsResponse none =
          rest.call("GET", "/api/v1/deployments")
              .as(reader)
              .query("requestedBy", "rest-ci-" + suffix)
              .query("status", "FAILED")
              .send()
              .as(ListDeploymentsResponse.newBuilder())
              .build();
      assertThat(none.getDeploymentsList()).isEmpty();
      Cli.Run history =
          Cli.run(
              env.server(),
              "history",
              "--status",
              "succeeded",
              "--by",
              "rest-ci-" + suffix,
              "--of-version",
              "1.0.0",
              "-o",
              "json");
      assertThat(history.exit()).as(history.all()).isZero();
      assertThat(history.out()).contains(id);
      Cli.Run badStatus = Cli.run(env.server(), "history", "--status", "done");
      assertThat(badStatus.exit()).isEqualTo(2);
      assertThat(badStatus.err()).contains("--status: 'done' is not a deployment status");

      ListCheckRoundsResponse rounds =
          rest.call("GET", "/api/v1/deployments/{id}/check-rounds", id)
              .as(reader)
              .query("phase", "VERIFY")
              .send()
              .as(ListCheckRoundsResponse.newBuilder())
              .build();
      assertThat(rounds.getRoundsList()).isNotEmpty();
      assertThat(rounds.getRoundsList()).extracting(c -> c.getCheck()).contains("port");

      ListBackupSetsResponse sets =
          rest.call("GET", "/api/v1/backup-sets")
              .as(reader)
              .query("app", app)
              .query("environment", "e2e")
              .send()
              .as(ListBackupSetsResponse.newBuilder())
              .build();
      assertThat(sets.getSetsList())
          .singleElement()
          .satisfies(s -> assertThat(s.getDeploymentId()).isEqualTo(id));
      BackupSet set =
          rest.call("GET", "/api/v1/backup-sets/{id}", sets.getSets(0).getId())
              .as(reader)
              .send()
              .as(BackupSet.newBuilder())
              .build();
      assertThat(set.getArtifactsList())
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.getSha256()).hasSize(64));

      ListDeliveriesResponse deliveries =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      rest.call("GET", "/api/v1/deliveries")
                          .as(reader)
                          .query("deploymentId", id)
                          .send()
                          .as(ListDeliveriesResponse.newBuilder())
                          .build(),
                  d -> d.getDeliveriesCount() > 0);
      assertThat(deliveries.getDeliveries(0).getChannel()).isEqualTo("ops");

      GetLedgerResponse ledger =
          rest.call("GET", "/api/v1/targets/{app}/{environment}/ledger", app, "e2e")
              .as(reader)
              .send()
              .as(GetLedgerResponse.newBuilder())
              .build();
      assertThat(ledger.getEntriesList()).extracting(e -> e.getVersion()).containsExactly("1.0.0");

      Target current =
          rest.call("GET", "/api/v1/targets/{app}/{environment}", app, "e2e")
              .as(reader)
              .send()
              .as(Target.newBuilder())
              .build();
      assertThat(current.getCurrentVersion()).isEqualTo("1.0.0");
      assertThat(current.getCurrentDeployedBy()).isEqualTo("rest-ci-" + suffix);
      assertThat(current.getLastDeployment())
          .as("the newest deployment in brief")
          .satisfies(
              last -> {
                assertThat(last.getId()).isEqualTo(id);
                assertThat(last.getVersion()).isEqualTo("1.0.0");
                assertThat(last.getStatus())
                    .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
                assertThat(last.getRequestedBy()).isEqualTo("rest-ci-" + suffix);
                assertThat(last.getCreatedAt()).isEqualTo(created.getCreatedAt());
              });
      List<Target> all = new ArrayList<>();
      String token = "";
      do {
        ListTargetsResponse listed =
            rest.call("GET", "/api/v1/targets")
                .as(reader)
                .query("pageSize", 50)
                .query("pageToken", token)
                .send()
                .as(ListTargetsResponse.newBuilder())
                .build();
        all.addAll(listed.getTargetsList());
        token = listed.getNextPageToken();
      } while (!token.isEmpty());
      assertThat(all).extracting(t -> t.getSpec().getApp()).contains(app);
    }
  }

  @Test
  @Order(2)
  void cancelRejectPromoteRollbackReleaseRestoreAndFreezeWindowsAnswerAsTheirGrpcCalls()
      throws Exception {
    String gated = "rest-gated-" + suffix;
    apply(gated, spec(", \"approval\": {\"required\": 1}"));
    String first = create(deployer, gated, "1.0.0", null).getId();
    awaitStatus(first, DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);
    RestClient.Response cancelled =
        post(admin, "/api/v1/deployments/{id}/cancel", "{\"reason\": \"wrong build\"}", first);
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(cancelled.as(Deployment.newBuilder()).getStatus())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_CANCELLED);
    String second = create(deployer, gated, "1.0.1", null).getId();
    awaitStatus(second, DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);
    RestClient.Response rejected =
        post(approver, "/api/v1/deployments/{id}/reject", "{\"reason\": \"not today\"}", second);
    assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
    assertThat(rejected.as(Deployment.newBuilder()).build())
        .satisfies(
            d -> {
              assertThat(d.getStatus()).isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_FAILED);
              assertThat(d.getReason()).contains("not today");
            });

    String baked = "rest-baked-" + suffix;
    apply(
        baked,
        spec("echo deploying ${version}; test ${version} != 3.0.0", ", \"bake\": \"1h\"", ""));
    for (String version : List.of("1.0.0", "2.0.0")) {
      String id = create(deployer, baked, version, null).getId();
      awaitStatus(id, DeploymentStatus.DEPLOYMENT_STATUS_BAKE);
      RestClient.Response promoted = post(deployer, "/api/v1/deployments/{id}/promote", "", id);
      assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
      assertThat(awaitStatus(id, DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED).getStatus())
          .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    }
    RestClient.Response rolledBack =
        rest.call("POST", "/api/v1/targets/{app}/{environment}/rollback", baked, "e2e")
            .as(admin)
            .header("Idempotency-Key", "rest-rollback-" + suffix)
            .json("{\"toVersion\": \"1.0.0\"}")
            .send();
    assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(201);
    Deployment rollback = rolledBack.as(Deployment.newBuilder()).build();
    assertThat(rollback.getVersion()).isEqualTo("1.0.0");
    if (awaitStatus(rollback.getId(), DeploymentStatus.DEPLOYMENT_STATUS_BAKE).getStatus()
        == DeploymentStatus.DEPLOYMENT_STATUS_BAKE) {
      post(admin, "/api/v1/deployments/{id}/promote", "", rollback.getId());
    }
    Deployment back = awaitStatus(rollback.getId(), DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(back.getStatus())
        .as(back.toString())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);

    String abortable = "rest-abort-" + suffix;
    apply(abortable, spec("echo deploying ${version}", ", \"bake\": \"1h\"", ""));
    String good = create(deployer, abortable, "1.0.0", null).getId();
    awaitStatus(good, DeploymentStatus.DEPLOYMENT_STATUS_BAKE);
    post(deployer, "/api/v1/deployments/{id}/promote", "", good);
    awaitStatus(good, DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    String aborting = create(deployer, abortable, "2.0.0", null).getId();
    awaitStatus(aborting, DeploymentStatus.DEPLOYMENT_STATUS_BAKE);
    RestClient.Response aborted =
        post(deployer, "/api/v1/deployments/{id}/abort", "{\"reason\": \"5xx up\"}", aborting);
    assertThat(aborted.status()).as(aborted.toString()).isEqualTo(200);
    Deployment abortedBack = awaitStatus(aborting, DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(abortedBack.getStatus())
        .as(abortedBack.toString())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(abortedBack.getReason()).startsWith("aborted by ").endsWith(": 5xx up");

    // A release that fails rolls back by itself, and its version is quarantined.
    Deployment failed =
        awaitStatus(
            create(deployer, baked, "3.0.0", null).getId(),
            DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    assertThat(failed.getStatus())
        .as(failed.getReason())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_ROLLED_BACK);
    ListQuarantinedResponse quarantined =
        rest.call("GET", "/api/v1/quarantined")
            .as(reader)
            .query("app", baked)
            .query("environment", "e2e")
            .send()
            .as(ListQuarantinedResponse.newBuilder())
            .build();
    assertThat(quarantined.getVersionsList())
        .extracting(QuarantinedVersion::getVersion)
        .containsExactly("3.0.0");
    RestClient.Response released =
        post(
            deployer,
            "/api/v1/targets/{app}/{environment}/quarantined/{version}/release",
            "{\"reason\": \"fixed upstream\"}",
            baked,
            "e2e",
            "3.0.0");
    assertThat(released.status()).as(released.toString()).isEqualTo(200);
    assertThat(released.as(QuarantinedVersion.newBuilder()).getReleaseReason())
        .isEqualTo("fixed upstream");

    String restored = "rest-restored-" + suffix;
    apply(restored, spec(""));
    awaitStatus(
        create(deployer, restored, "1.0.0", null).getId(),
        DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    String setId =
        rest.call("GET", "/api/v1/backup-sets")
            .as(reader)
            .query("app", restored)
            .query("environment", "e2e")
            .query("kind", "BACKUP")
            .send()
            .as(ListBackupSetsResponse.newBuilder())
            .getSetsList()
            .getLast()
            .getId();
    RestClient.Response restore =
        rest.call("POST", "/api/v1/targets/{app}/{environment}/restore", restored, "e2e")
            .as(admin)
            .json(
                "{\"setId\": \"%s\", \"force\": true, \"forceReason\": \"a drill\"}"
                    .formatted(setId))
            .send();
    assertThat(restore.status()).as(restore.toString()).isEqualTo(201);
    Deployment restoring = restore.as(Deployment.newBuilder()).build();
    assertThat(restoring.getRestoreSetId()).isEqualTo(setId);
    Deployment done = awaitStatus(restoring.getId(), DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    assertThat(done.getStatus())
        .as(done.getReason())
        .isEqualTo(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);

    String environment = "rest-frozen-" + suffix;
    RestClient.Response window =
        rest.call("PUT", "/api/v1/freeze-windows/{environment}/{name}", environment, "launch")
            .as(admin)
            .json(
                """
                {"reason": "launch day", "startsAt": "%s", "endsAt": "2099-01-01T00:00:00Z"}"""
                    .formatted(Instant.now().minusSeconds(60)))
            .send();
    assertThat(window.status()).as(window.toString()).isEqualTo(200);
    ListFreezeWindowsResponse windows =
        rest.call("GET", "/api/v1/freeze-windows")
            .as(reader)
            .query("environment", environment)
            .send()
            .as(ListFreezeWindowsResponse.newBuilder())
            .build();
    assertThat(windows.getWindowsList())
        .extracting(w -> w.getName() + " " + w.getReason())
        .containsExactly("launch launch day");
    RestClient.Response deleted =
        rest.call("DELETE", "/api/v1/freeze-windows/{environment}/{name}", environment, "launch")
            .as(admin)
            .send();
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(
            rest.call("GET", "/api/v1/freeze-windows")
                .as(reader)
                .query("environment", environment)
                .send()
                .as(ListFreezeWindowsResponse.newBuilder())
                .getWindowsList())
        .isEmpty();
  }

  @Test
  @Order(3)
  void failuresAreProblemsNamingTheFieldTheScopeOrTheScheme() throws Exception {
    RestClient.Response anonymous = rest.call("GET", "/api/v1/deployments").send();
    assertProblem(anonymous, 401, "unauthenticated");
    assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"slipway\"");
    RestClient.Response unknown = rest.call("GET", "/api/v1/targets").as("slw_nope").send();
    assertProblem(unknown, 401, "unauthenticated");
    assertThat(unknown.header("WWW-Authenticate")).startsWith("Bearer");

    RestClient.Response noScope =
        post(
            reader,
            "/api/v1/deployments",
            "{\"app\": \"shop\", \"environment\": \"e2e\", \"version\": \"1\"}");
    assertProblem(noScope, 403, "forbidden");
    assertThat(noScope.json().path("detail").asText())
        .contains("rest-reader-" + suffix)
        .contains("deploy:e2e");

    RestClient.Response invalid =
        post(
            deployer, "/api/v1/deployments", "{\"app\": \"Not An App\", \"environment\": \"e2e\"}");
    assertProblem(invalid, 400, "invalid-request");
    List<String> fields = new ArrayList<>();
    invalid.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
    assertThat(fields).contains("app", "version");
    invalid.json().path("errors").forEach(e -> assertThat(e.path("message").asText()).isNotBlank());

    RestClient.Response strayField =
        post(deployer, "/api/v1/deployments", "{\"app\": \"shop\", \"colour\": \"blue\"}");
    assertProblem(strayField, 400, "invalid-request");
    assertThat(strayField.json().path("detail").asText()).contains("colour");

    RestClient.Response badEnum =
        rest.call("GET", "/api/v1/deployments").as(reader).query("status", "DONE").send();
    assertProblem(badEnum, 400, "invalid-request");
    assertThat(badEnum.json().path("errors").get(0).path("field").asText()).isEqualTo("status");
    assertThat(badEnum.json().path("detail").asText()).contains("SUCCEEDED");

    String elsewhere = "rest-elsewhere-" + suffix;
    RestClient.Response mismatched =
        rest.call("PUT", "/api/v1/targets/{app}/{environment}", "rest-path-" + suffix, "e2e")
            .as(admin)
            .body(
                "application/yaml",
                "app: " + elsewhere + "\nenvironment: e2e\ndeploy: {command: [\"true\"]}\n")
            .send();
    assertProblem(mismatched, 400, "invalid-request");
    assertThat(mismatched.json().path("errors").get(0).path("field").asText()).isEqualTo("app");
    assertThat(mismatched.json().path("detail").asText()).contains(elsewhere);
    for (String app : List.of(elsewhere, "rest-path-" + suffix)) {
      assertProblem(
          rest.call("GET", "/api/v1/targets/{app}/{environment}", app, "e2e").as(reader).send(),
          404,
          "not-found");
    }
    RestClient.Response strayYaml =
        rest.call("PUT", "/api/v1/targets/{app}/{environment}", "rest-path-" + suffix, "e2e")
            .as(admin)
            .body("application/yaml", "deploy: {command: [\"true\"]}\ncolour: blue\n")
            .send();
    assertProblem(strayYaml, 400, "invalid-request");
    assertThat(strayYaml.json().path("errors").get(0).path("field").asText()).isEqualTo("colour");

    RestClient.Response missing =
        rest.call("GET", "/api/v1/deployments/{id}", UUID.randomUUID()).as(reader).send();
    assertProblem(missing, 404, "not-found");

    RestClient.Response noRoute = rest.call("GET", "/api/v1/nothing-here").as(reader).send();
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.header("Content-Type")).startsWith("application/problem+json");
    assertThat(noRoute.json().path("status").asInt()).isEqualTo(404);

    assertThat(anonymous.header("Content-Security-Policy"))
        .contains("default-src 'none'")
        .contains("frame-ancestors 'none'");
    assertThat(anonymous.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  private static void assertProblem(RestClient.Response response, int status, String type) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.path("type").asText()).isEqualTo("https://slipway.dev/problems/" + type);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("detail").asText()).isNotBlank();
    assertThat(problem.path("instance").asText()).startsWith("/api/v1/");
  }

  @Test
  @Order(4)
  void aBrowserSessionActsAsItsTokenAndEveryChangeNeedsItsCsrfToken() throws Exception {
    RestClient.Response refused = post(null, "/api/v1/session", "{\"token\": \"slw_wrong\"}");
    assertProblem(refused, 401, "unauthenticated");

    RestClient.Response signedIn =
        rest.call("POST", "/api/v1/session").json("{\"token\": \"" + approver + "\"}").send();
    assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(201);
    String setCookie = signedIn.header("Set-Cookie");
    assertThat(setCookie)
        .startsWith("slipway_session=")
        .containsIgnoringCase("; HttpOnly")
        .containsIgnoringCase("; SameSite=Strict")
        .containsIgnoringCase("; Path=/")
        .doesNotContainIgnoringCase("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = signedIn.json().path("csrfToken").asText();
    assertThat(signedIn.json().path("name").asText()).isEqualTo("rest-approver-" + suffix);
    assertThat(signedIn.body()).doesNotContain(approver);

    RestClient.Response me = rest.call("GET", "/api/v1/session").header("Cookie", cookie).send();
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().path("csrfToken").asText()).isEqualTo(csrf);
    assertThat(me.json().path("scopes").toString()).contains("approve:e2e");
    RestClient.Response viaToken = rest.call("GET", "/api/v1/session").as(deployer).send();
    assertThat(viaToken.json().path("name").asText()).isEqualTo("rest-ci-" + suffix);
    assertThat(viaToken.json().has("csrfToken")).isFalse();

    String app = "rest-session-" + suffix;
    apply(app, spec(", \"approval\": {\"required\": 1}"));
    String id = create(deployer, app, "1.0.0", null).getId();
    awaitStatus(id, DeploymentStatus.DEPLOYMENT_STATUS_AWAITING_APPROVAL);
    RestClient.Response forged =
        rest.call("POST", "/api/v1/deployments/{id}/approve", id)
            .header("Cookie", cookie)
            .json("{}")
            .send();
    assertProblem(forged, 403, "csrf");
    assertThat(get(id).getApprovalsList()).isEmpty();
    RestClient.Response secretAsBearer =
        rest.call("GET", "/api/v1/deployments/{id}", id)
            .as(cookie.substring(cookie.indexOf('=') + 1))
            .send();
    assertProblem(secretAsBearer, 401, "unauthenticated");
    RestClient.Response approved =
        rest.call("POST", "/api/v1/deployments/{id}/approve", id)
            .header("Cookie", cookie)
            .header("X-CSRF-Token", csrf)
            .json("{\"comment\": \"from the browser\"}")
            .send();
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.as(Deployment.newBuilder()).getApprovalsList())
        .extracting(a -> a.getBy() + " " + a.getComment())
        .containsExactly("rest-approver-" + suffix + " from the browser");

    RestClient.Response signOutForged =
        rest.call("DELETE", "/api/v1/session").header("Cookie", cookie).send();
    assertProblem(signOutForged, 403, "csrf");
    RestClient.Response signedOut =
        rest.call("DELETE", "/api/v1/session")
            .header("Cookie", cookie)
            .header("X-CSRF-Token", csrf)
            .send();
    assertThat(signedOut.status()).isEqualTo(204);
    assertThat(signedOut.header("Set-Cookie")).contains("Max-Age=0");
    assertProblem(
        rest.call("GET", "/api/v1/deployments/{id}", id).header("Cookie", cookie).send(),
        401,
        "unauthenticated");
  }

  @Test
  @Order(5)
  void eventStreamsDroppedMidReleaseResumeWithNothingLostOrRepeated() throws Exception {
    String app = "rest-resume-" + suffix;
    apply(
        app,
        spec("echo one; sleep 1; echo two; sleep 1; echo three", ", \"successThreshold\": 5", ""));
    try (SseStream feed = rest.call("GET", "/api/v1/events").as(reader).stream()) {
      String id = create(deployer, app, "1.0.0", null).getId();
      List<SseStream.Event> firstPart;
      try (SseStream events =
          rest.call("GET", "/api/v1/deployments/{id}/events", id).as(reader).stream()) {
        firstPart =
            events.until(e -> e.name().equals("deployment-event") && e.id().equals("2"), RELEASE);
      }
      List<SseStream.Event> rest1;
      try (SseStream events =
          rest
              .call("GET", "/api/v1/deployments/{id}/events", id)
              .as(reader)
              .header("Last-Event-ID", firstPart.getLast().id())
              .stream()) {
        rest1 = events.until(e -> e.name().equals("end"), RELEASE);
      }
      List<DeploymentEvent> resumed = new ArrayList<>(events(firstPart));
      resumed.addAll(events(rest1));
      List<DeploymentEvent> whole;
      try (SseStream events =
          rest.call("GET", "/api/v1/deployments/{id}/events", id).as(reader).stream()) {
        whole = events(events.until(e -> e.name().equals("end"), RELEASE));
      }
      assertThat(whole.size()).isGreaterThan(4);
      assertThat(resumed).isEqualTo(whole);
      try (SseStream after =
          rest
              .call("GET", "/api/v1/deployments/{id}/events", id)
              .as(reader)
              .query("after", whole.getLast().getSequence())
              .stream()) {
        assertThat(after.until(e -> e.name().equals("end"), RELEASE))
            .extracting(SseStream.Event::name)
            .containsExactly("end");
      }

      RestClient.Response reconnectAfterEnd =
          rest.call("GET", "/api/v1/deployments/{id}/events", id)
              .as(reader)
              .header("Accept", "text/event-stream")
              .header("Last-Event-ID", Long.toString(whole.getLast().getSequence()))
              .send();
      assertThat(reconnectAfterEnd.status())
          .as("a reconnect after the end stops EventSource: " + reconnectAfterEnd)
          .isEqualTo(204);

      List<SseStream.Event> fedFirst = feed.until(e -> e.data().contains(id), RELEASE);
      feed.close();
      List<DeploymentEvent> fed = new ArrayList<>(events(fedFirst));
      try (SseStream again =
          rest
              .call("GET", "/api/v1/events")
              .as(reader)
              .header("Last-Event-ID", fedFirst.getLast().id())
              .stream()) {
        fed.addAll(
            events(
                again.until(
                    e -> e.data().contains(id) && e.data().contains("\"finished\""), RELEASE)));
      }
      assertThat(fed.stream().filter(e -> e.getDeploymentId().equals(id)).toList())
          .isEqualTo(whole);
      List<String> positions = new ArrayList<>();
      fedFirst.forEach(e -> positions.add(e.id()));
      assertThat(positions).doesNotHaveDuplicates();
    }
  }

  @Test
  @Order(100)
  void theDocumentValidatesAndEveryPathInItWasExercised() throws Exception {
    RestClient.Response document = rest.call("GET", "/api/v1/openapi.yaml").send();
    assertThat(document.status()).isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.body(), null, options);
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getComponents().getSchemas())
        .containsKeys("slipway.v1.Deployment", "slipway.v1.PhaseRecord", "Problem");
    JsonNode tree =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(document.body());
    List<String> operations = RestClient.operations(tree);
    assertThat(operations).hasSizeGreaterThan(25);
    assertThat(RestClient.EXERCISED).containsAll(operations);
  }
}
