package dev.slipway.health.probes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.health.domain.Check;
import dev.slipway.health.domain.CheckOutcome;
import dev.slipway.health.domain.Observation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP checks against a real server, including endpoints that never stop talking. */
class ProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static HttpServer server;

  /** Released when the tests end: until then the trickling endpoint never finishes its body. */
  private static final java.util.concurrent.CountDownLatch stopped =
      new java.util.concurrent.CountDownLatch(1);

  private final Probe probe = new Probe();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    server.createContext(
        "/ok",
        exchange -> {
          byte[] body =
              "{\"status\":\"ok\",\"db\":{\"ok\":\"true\"}}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/forever",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[8192];
          Arrays.fill(chunk, (byte) 'x');
          try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
              out.write(chunk);
            }
          } catch (IOException closedByTheProbe) {
            exchange.close();
          }
        });
    server.createContext(
        "/trickle",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write("{\"status\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            stopped.await();
          } catch (IOException | InterruptedException closed) {
            exchange.close();
          }
        });
    server.createContext(
        "/behind-a-proxy",
        exchange -> {
          exchange.sendResponseHeaders(407, -1);
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @AfterAll
  static void stop() {
    stopped.countDown();
    server.stop(0);
  }

  private static Check.Http check(String path, Map<String, String> expectJson) {
    return new Check.Http(
        "http " + path,
        "http://127.0.0.1:" + server.getAddress().getPort() + path,
        200,
        expectJson);
  }

  @Test
  void aHostThatDoesNotResolveIsAnErrorOfTheCheckNotAFailureOfTheApp() throws Exception {
    Observation http =
        probe.observe(
            new Check.Http("dns", "http://slipway-no-such-host.invalid/health", 200, Map.of()),
            TIMEOUT);
    assertThat(http.outcome()).isEqualTo(CheckOutcome.ERRORED);
    assertThat(http.detail()).isEqualTo("cannot resolve host 'slipway-no-such-host.invalid'");
    Observation tcp =
        probe.observe(new Check.Tcp("tcp", "slipway-no-such-host.invalid", 5432), TIMEOUT);
    assertThat(tcp.outcome()).isEqualTo(CheckOutcome.ERRORED);
  }

  @Test
  void aProxyThatRefusesTheCheckIsAnErrorToo() throws Exception {
    Observation observation = probe.observe(check("/behind-a-proxy", Map.of()), TIMEOUT);
    assertThat(observation.outcome()).isEqualTo(CheckOutcome.ERRORED);
    assertThat(observation.detail()).contains("HTTP 407");
  }

  @Test
  void aRefusedConnectionIsTheAppFailing() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Observation observation = probe.observe(new Check.Tcp("tcp", "127.0.0.1", closed), TIMEOUT);
    assertThat(observation.outcome()).isEqualTo(CheckOutcome.FAILED);
    assertThat(observation.detail()).startsWith("cannot connect to 127.0.0.1:" + closed);
  }

  @Test
  void aJsonFieldIsCompared() throws Exception {
    assertThat(
            probe
                .observe(check("/ok", Map.of("$.status", "ok", "$.db.ok", "true")), TIMEOUT)
                .passed())
        .isTrue();
    Observation wrong = probe.observe(check("/ok", Map.of("$.status", "degraded")), TIMEOUT);
    assertThat(wrong.passed()).isFalse();
    assertThat(wrong.detail()).isEqualTo("$.status is 'ok' (expected 'degraded')");
  }

  @Test
  void anEndpointThatStreamsForeverPassesOnItsStatusAndIsNotReadFurther() throws Exception {
    assertThat(probe.observe(check("/forever", Map.of()), TIMEOUT).passed()).isTrue();
  }

  @Test
  void aBodyPastTheLimitFailsAJsonCheckWithoutBeingKept() throws Exception {
    Observation observation = probe.observe(check("/forever", Map.of("$.status", "ok")), TIMEOUT);
    assertThat(observation.passed()).isFalse();
    assertThat(observation.detail())
        .startsWith("body is larger than " + Probe.MAX_BODY + " bytes: xxxx")
        .hasSizeLessThan(300);
  }

  @Test
  void aBodyThatNeverEndsFailsWithinTheTimeout() throws Exception {
    long started = System.nanoTime();
    Observation observation = probe.observe(check("/trickle", Map.of("$.status", "ok")), TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(2));
    assertThat(observation.passed()).isFalse();
    assertThat(observation.detail())
        .startsWith("body not complete within")
        .contains("{\"status\":");
  }
}
