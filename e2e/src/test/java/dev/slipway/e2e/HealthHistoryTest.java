package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.devstack.Service;
import dev.slipway.proto.v1.CheckOutcome;
import dev.slipway.proto.v1.CheckRound;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.ListCheckRoundsRequest;
import dev.slipway.proto.v1.ListCheckRoundsResponse;
import dev.slipway.proto.v1.Phase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway health}: every round every check ran, through the orchestrator's one address, with
 * the same tokens and scopes as everything else.
 */
class HealthHistoryTest {
  private static final Pattern MORE =
      Pattern.compile("more: slipway health \\S+ --page-token (\\S+)");
  private static E2eEnvironment env;
  private static HttpServer app;
  private static final AtomicInteger probes = new AtomicInteger();
  private static String deploymentId;

  @BeforeAll
  static void release() throws Exception {
    env = E2eEnvironment.get();
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/up",
        exchange -> {
          int n = probes.incrementAndGet();
          byte[] body = ("up " + n).getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    app.start();
    String name = "rounds-" + UUID.randomUUID().toString().substring(0, 6);
    env.apply(
        Files.createTempDirectory("rounds"),
        name,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        preflight:
          checks: [{ type: http, name: up, url: "http://127.0.0.1:%d/up" }]
        health:
          interval: 100ms
          successThreshold: 3
          checks: [{ type: http, name: up, url: "http://127.0.0.1:%2$d/up", bodyRegex: 'up \\d+' }]
        """
            .formatted(name, app.getAddress().getPort()));
    Cli.Run run = env.deployAndWait(name, "1.0.0");
    assertThat(run.exit()).as(run.all()).isZero();
    deploymentId = E2eEnvironment.deployment(run.out()).getId();
  }

  @AfterAll
  static void stop() {
    app.stop(0);
  }

  @Test
  void everyRoundOfEveryPhaseIsListedWithWhatItSaw() throws Exception {
    List<CheckRound> rounds = json(Cli.run(env.server(), "health", deploymentId, "-o", "json"));

    assertThat(rounds)
        .extracting(r -> r.getPhase() + "#" + r.getAttempt() + "/" + r.getRound())
        .containsExactly(
            "PHASE_PREFLIGHT#1/1", "PHASE_VERIFY#1/1", "PHASE_VERIFY#1/2", "PHASE_VERIFY#1/3");
    assertThat(rounds).as("one round per request the app received").hasSize(probes.get());
    assertThat(rounds)
        .allSatisfy(
            r -> {
              assertThat(r.getCheck()).isEqualTo("up");
              assertThat(r.getOutcome()).isEqualTo(CheckOutcome.CHECK_OUTCOME_PASSED);
              assertThat(r.getCounted()).isTrue();
              assertThat(r.getObserved()).contains("HTTP 200");
              assertThat(r.getLatencyMs()).isNotNegative();
              assertThat(r.getCheckedAt().getSeconds()).isPositive();
            });
    assertThat(rounds.stream().skip(1).map(CheckRound::getObserved).toList())
        .as("what the app answered at each VERIFY round, in order (the body is read for bodyRegex)")
        .satisfiesExactly(
            first -> assertThat(first).matches("ok in \\d+ ms: HTTP 200: up 2"),
            second -> assertThat(second).matches("ok in \\d+ ms: HTTP 200: up 3"),
            third -> assertThat(third).matches("ok in \\d+ ms: HTTP 200: up 4"));

    Cli.Run text = Cli.run(env.server(), "health", deploymentId, "--phase", "verify");
    assertThat(text.exit()).as(text.all()).isZero();
    assertThat(text.out().lines().filter(l -> l.startsWith("VERIFY#1")).count()).isEqualTo(3);
    assertThat(text.out()).doesNotContain("PREFLIGHT#1").doesNotContain("more:");
  }

  @Test
  void pagesFollowEachOtherWithNothingMissedOrRepeated() {
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Cli.Run page =
          token.isEmpty()
              ? Cli.run(env.server(), "health", deploymentId, "--limit", "1")
              : Cli.run(
                  env.server(), "health", deploymentId, "--limit", "1", "--page-token", token);
      assertThat(page.exit()).as(page.all()).isZero();
      page.out().lines().filter(l -> l.matches("^[A-Z_]+#\\d.*")).forEach(seen::add);
      Matcher more = MORE.matcher(page.out());
      token = more.find() ? more.group(1) : "";
      pages++;
    } while (!token.isEmpty() && pages < 10);
    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(4).doesNotHaveDuplicates();

    Cli.Run all = Cli.run(env.server(), "health", deploymentId, "--limit", "1", "--all");
    assertThat(all.out().lines().filter(l -> l.matches("^[A-Z_]+#\\d.*")).toList())
        .containsExactlyElementsOf(seen);
  }

  @Test
  void refusalsAndMistakesSayWhatIsWrong() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Path deployer = env.token("deploy-only-" + suffix, "deploy:*");
    Cli.Run lacking = Cli.as(deployer, env.server(), "health", deploymentId);
    assertThat(lacking.exit()).isEqualTo(12);
    assertThat(lacking.err()).contains("lacks the scope read");

    Path bogus = Files.writeString(Files.createTempFile("bogus", ".token"), "not-a-token");
    assertThat(Cli.as(bogus, env.server(), "health", deploymentId).exit()).isEqualTo(12);

    Cli.Run unknown = Cli.run(env.server(), "health", UUID.randomUUID().toString());
    assertThat(unknown.exit()).isEqualTo(13);
    Cli.Run badPhase = Cli.run(env.server(), "health", deploymentId, "--phase", "deploy-ish");
    assertThat(badPhase.exit()).isEqualTo(2);
    assertThat(badPhase.err()).contains("--phase deploy-ish is not a phase");
    Cli.Run badPage = Cli.run(env.server(), "health", deploymentId, "--page-token", "%%%");
    assertThat(badPage.exit()).isEqualTo(2);
    assertThat(badPage.err()).contains("page_token");
  }

  @Test
  void theHealthServiceChecksTokensItselfWhenCalledDirectly() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Path reader = env.token("reader-" + suffix, "read");
    ManagedChannel direct =
        ManagedChannelBuilder.forAddress("127.0.0.1", env.stack.port(Service.HEALTH))
            .usePlaintext()
            .build();
    try {
      ListCheckRoundsRequest request =
          ListCheckRoundsRequest.newBuilder()
              .setDeploymentId(deploymentId)
              .setPhase(Phase.PHASE_PREFLIGHT)
              .build();
      ListCheckRoundsResponse page =
          HealthServiceGrpc.newBlockingStub(direct)
              .withInterceptors(E2eEnvironment.bearer(reader))
              .listCheckRounds(request);
      assertThat(page.getRoundsList()).hasSize(1);

      // Only the orchestrator signs delegations: a forged one, naming admin, is refused.
      String forged =
          "sd1."
              + java.util.Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString("mallory\nadmin\n99999999999999".getBytes())
              + ".AAAA";
      io.grpc.Metadata headers = new io.grpc.Metadata();
      headers.put(
          io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + forged);
      StatusRuntimeException refusedForgery =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () ->
                  HealthServiceGrpc.newBlockingStub(direct)
                      .withInterceptors(
                          io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                      .listCheckRounds(request));
      assertThat(refusedForgery.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(refusedForgery.getStatus().getDescription())
          .contains("delegation not signed by this Slipway");

      Cli.Run revoke = Cli.run(env.server(), "token", "revoke", "reader-" + suffix);
      assertThat(revoke.exit()).as(revoke.all()).isZero();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                StatusRuntimeException refused =
                    org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () ->
                            HealthServiceGrpc.newBlockingStub(direct)
                                .withInterceptors(E2eEnvironment.bearer(reader))
                                .listCheckRounds(request));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(refused.getStatus().getDescription()).contains("revoked");
              });
    } finally {
      direct.shutdownNow();
    }
  }

  @Test
  void aHealthServiceThatIsDownIsNamed() throws Exception {
    env.stack.stop(Service.HEALTH);
    try {
      Cli.Run down = Cli.run(env.server(), "health", deploymentId);
      assertThat(down.exit()).as(down.all()).isEqualTo(11);
      assertThat(down.err()).contains("health-service at 127.0.0.1:").contains("unavailable");
    } finally {
      env.stack.restart(Service.HEALTH);
    }
    assertThat(json(Cli.run(env.server(), "health", deploymentId, "-o", "json"))).hasSize(4);
  }

  /** The rounds printed by {@code slipway health ID -o json}. */
  static List<CheckRound> json(Cli.Run run) throws Exception {
    assertThat(run.exit()).as(run.all()).isZero();
    ListCheckRoundsResponse.Builder page = ListCheckRoundsResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), page);
    return page.getRoundsList();
  }
}
