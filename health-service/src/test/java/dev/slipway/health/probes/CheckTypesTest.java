package dev.slipway.health.probes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.health.domain.Check;
import dev.slipway.health.domain.CheckOutcome;
import dev.slipway.health.domain.Observation;
import dev.slipway.testkit.TestInfrastructure;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each check type against a real peer started here: a gRPC server with the standard health service,
 * programs run as commands, a PostgreSQL database, and an HTTP server that echoes what it was sent.
 */
class CheckTypesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static Server grpc;
  private static HttpServer http;
  private static String db;
  private static TestInfrastructure infrastructure;
  private final Probe probe = new Probe();

  @BeforeAll
  static void start() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("billing", ServingStatus.SERVING);
    health.setStatus("search", ServingStatus.NOT_SERVING);
    grpc =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(health.getHealthService())
            .build()
            .start();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    http.createContext(
        "/echo",
        exchange -> {
          byte[] body =
              ("method="
                      + exchange.getRequestMethod()
                      + " token="
                      + exchange.getRequestHeaders().getFirst("X-Token"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();
    infrastructure = TestInfrastructure.shared();
    db = infrastructure.createDatabase("checked");
    try (Connection c =
            DriverManager.getConnection(db, infrastructure.user(), infrastructure.password());
        Statement s = c.createStatement()) {
      s.execute("create table entries (id int)");
      s.execute("insert into entries values (1), (2), (3)");
    }
  }

  @AfterAll
  static void stop() {
    grpc.shutdownNow();
    http.stop(0);
  }

  @Test
  void grpcPassesOnlyWhenTheNamedServiceIsServing() throws Exception {
    assertThat(observe(grpc("billing", grpc.getPort())).outcome()).isEqualTo(CheckOutcome.PASSED);
    Observation notServing = observe(grpc("search", grpc.getPort()));
    assertThat(notServing.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(notServing.detail()).isEqualTo("service 'search' is NOT_SERVING");
    assertThat(observe(grpc("orders", grpc.getPort())).detail())
        .isEqualTo("the server does not know the service 'orders'");
    Observation down = observe(grpc("billing", closedPort()));
    assertThat(down.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(down.detail()).startsWith("cannot check: UNAVAILABLE");
  }

  @Test
  void aCommandPassesOnExitZeroHasNoDataOnExitThreeAndIsStoppedAtTheTimeout() throws Exception {
    Observation ok =
        observe(new Check.Command("migrations", List.of("sh", "-c", "echo schema at 42; exit 0")));
    assertThat(ok.outcome()).isEqualTo(CheckOutcome.PASSED);
    assertThat(ok.detail()).endsWith("schema at 42");
    Observation failed =
        observe(new Check.Command("queue", List.of("sh", "-c", "echo 812 jobs waiting; exit 2")));
    assertThat(failed.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(failed.detail()).contains("exit 2").endsWith("812 jobs waiting");
    Observation quiet =
        observe(new Check.Command("traffic", List.of("sh", "-c", "echo 0 requests; exit 3")));
    assertThat(quiet.outcome()).isEqualTo(CheckOutcome.NO_DATA);
    assertThat(quiet.detail()).contains("exit 3").endsWith("0 requests");
    long started = System.nanoTime();
    Observation hung = observe(new Check.Command("hung", List.of("sleep", "30")));
    assertThat(hung.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(hung.detail()).contains("stopped after");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    Observation missing = observe(new Check.Command("missing", List.of("no-such-program-here")));
    assertThat(missing.outcome()).isEqualTo(CheckOutcome.ERRORED);
    assertThat(missing.detail()).contains("no-such-program-here");
  }

  @Test
  void postgresComparesTheFirstValueOfAReadOnlyQuery() throws Exception {
    assertThat(observe(postgres("select count(*) from entries", "3")).outcome())
        .isEqualTo(CheckOutcome.PASSED);
    assertThat(observe(postgres("", "")).outcome())
        .as("connecting is enough")
        .isEqualTo(CheckOutcome.PASSED);
    Observation wrong = observe(postgres("select count(*) from entries", "4"));
    assertThat(wrong.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(wrong.detail()).isEqualTo("the query returned '3' (expected '4')");
    Observation missingTable = observe(postgres("select count(*) from posts", ""));
    assertThat(missingTable.outcome()).as("the app's table is gone").isEqualTo(CheckOutcome.FAILED);
    assertThat(missingTable.detail()).contains("posts").contains("42P01");
    Observation writes = observe(postgres("delete from entries returning id", ""));
    assertThat(writes.outcome()).as("a check never writes").isEqualTo(CheckOutcome.ERRORED);
    assertThat(writes.detail()).startsWith("the check's query cannot run");
    try (Connection c =
            DriverManager.getConnection(db, infrastructure.user(), infrastructure.password());
        var count = c.createStatement().executeQuery("select count(*) from entries")) {
      count.next();
      assertThat(count.getInt(1)).isEqualTo(3);
    }
  }

  @Test
  void httpSendsItsMethodAndHeadersAndMatchesTheBody() throws Exception {
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/echo";
    Check.Http post =
        new Check.Http(
            "echo",
            url,
            "POST",
            Map.of("X-Token", "s3cret"),
            200,
            Map.of(),
            Optional.of(Pattern.compile("method=POST token=s3cret")),
            "");
    assertThat(observe(post).outcome()).isEqualTo(CheckOutcome.PASSED);
    Check.Http mismatch =
        new Check.Http(
            "echo",
            url,
            "GET",
            Map.of("X-Token", "s3cret"),
            200,
            Map.of(),
            Optional.of(Pattern.compile("method=POST")),
            "");
    Observation seen = observe(mismatch);
    assertThat(seen.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(seen.detail()).startsWith("body does not match /method=POST/: method=GET");
    Check.Http badCa =
        new Check.Http(
            "tls",
            "https://127.0.0.1:1/",
            "GET",
            Map.of(),
            200,
            Map.of(),
            Optional.empty(),
            "/nonexistent/ca.pem");
    assertThat(observe(badCa).outcome()).isEqualTo(CheckOutcome.ERRORED);
  }

  private Observation observe(Check check) throws InterruptedException {
    return probe.observe(check, TIMEOUT);
  }

  private static Check.Grpc grpc(String service, int port) {
    return new Check.Grpc("grpc " + service, "127.0.0.1", port, service, false, "");
  }

  private static Check.Postgres postgres(String query, String expect) {
    Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+).*").matcher(db);
    assertThat(url.matches()).isTrue();
    return new Check.Postgres(
        "db",
        url.group(1),
        Integer.parseInt(url.group(2)),
        url.group(3),
        infrastructure.user(),
        infrastructure.password(),
        query,
        expect);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
