package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseEvidence;
import dev.slipway.proto.v1.PhaseRecord;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A release verified by every kind of check at once, each against a real peer: a gRPC server's
 * standard health service, an HTTP endpoint that wants a token from the secret store, the app's
 * PostgreSQL database read with its secret, and a command.
 */
class CheckTypesScenarioTest {

  @Test
  void everyCheckTypeVerifiesARealPeerAndAFailingGrpcServiceRollsTheReleaseBack() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    // The app's gRPC service is unhealthy exactly while version 1.1.0 is deployed: it answers from
    // the version file the deploy command writes, at each check.
    Path dir = Files.createTempDirectory("checked");
    Path deployed = dir.resolve("version");
    Server grpc =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new VersionedHealth(deployed))
            .build()
            .start();
    String token = "tok-" + UUID.randomUUID();
    env.setSecret("api-token-" + suffix, "Bearer " + token);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/ready",
        exchange -> {
          boolean allowed =
              ("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = (allowed ? "ready: yes" : "who are you").getBytes();
          exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    Matcher db =
        Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+).*").matcher(env.journalDb);
    assertThat(db.matches()).isTrue();
    try {
      String app = "checked-" + suffix;
      env.apply(
          dir,
          "checked",
          """
          app: %s
          environment: e2e
          deploy:
            command: [/bin/sh, -c, 'printf %%s "$1" > %s', sh, "${version}"]
          health:
            interval: 300ms
            failureThreshold: 2
            checks:
              - { type: grpc, name: orders, address: "127.0.0.1:%d", service: orders }
              - type: http
                name: ready
                url: "http://127.0.0.1:%d/ready"
                method: POST
                headers: { Authorization: { secret: api-token-%s }, X-Caller: slipway }
                bodyRegex: "ready: (yes|ok)"
              - type: postgres
                name: journal-db
                url: "postgresql://%s@%s:%s/%s"
                passwordSecret: journal-db
                query: "select 1 + 1"
                expectValue: "2"
              - { type: command, name: disk, command: [sh, -c, "echo 12%% used"] }
          """
              .formatted(
                  app,
                  deployed,
                  grpc.getPort(),
                  http.getAddress().getPort(),
                  suffix,
                  env.infrastructure.user(),
                  db.group(1),
                  db.group(2),
                  db.group(3)));

      Cli.Run good = env.deployAndWait(app, "1.0.0");
      assertThat(good.exit()).as(good.all()).isZero();
      PhaseRecord verify =
          E2eEnvironment.phase(E2eEnvironment.deployment(good.out()), Phase.PHASE_VERIFY);
      assertThat(verify.getEvidenceList())
          .extracting(PhaseEvidence::getName)
          .containsExactly("orders", "ready", "journal-db", "disk");
      assertThat(verify.getEvidenceList()).allSatisfy(e -> assertThat(e.getPassed()).isTrue());
      assertThat(verify.getEvidence(3).getDetail()).endsWith("12% used");
      assertThat(good.all()).as("a secret header never shows").doesNotContain(token);

      Cli.Run bad = env.deployAndWait(app, "1.1.0");
      assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
      Deployment rolledBack = E2eEnvironment.deployment(bad.out());
      assertThat(rolledBack.getReason())
          .isEqualTo(
              "VERIFY failed: check 'orders' failed 2 rounds in a row: service 'orders' is"
                  + " NOT_SERVING");
      assertThat(Files.readString(deployed)).isEqualTo("1.0.0");
    } finally {
      grpc.shutdownNow();
      http.stop(0);
    }
  }

  /** grpc.health.v1 for the service "orders", read from what is deployed when asked. */
  private static final class VersionedHealth extends HealthGrpc.HealthImplBase {
    private final Path deployed;

    VersionedHealth(Path deployed) {
      this.deployed = deployed;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
      if (!request.getService().equals("orders")) {
        response.onError(io.grpc.Status.NOT_FOUND.asRuntimeException());
        return;
      }
      String version;
      try {
        version = Files.exists(deployed) ? Files.readString(deployed) : "";
      } catch (IOException e) {
        response.onError(
            io.grpc.Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        return;
      }
      response.onNext(
          HealthCheckResponse.newBuilder()
              .setStatus(
                  version.equals("1.1.0") ? ServingStatus.NOT_SERVING : ServingStatus.SERVING)
              .build());
      response.onCompleted();
    }
  }
}
