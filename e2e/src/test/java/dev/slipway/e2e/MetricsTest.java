package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Service;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.Phase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each service's {@code /prometheus}, scraped before and after a release with a backup, checks and
 * a notification: the figures an operator watches move by what the release did.
 */
class MetricsTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern BYTES = Pattern.compile("(\\d+) bytes");

  @Test
  void aReleaseMovesTheFiguresOfEveryService() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "metered-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("metered");
    Path config = Files.writeString(dir.resolve("app.conf"), "threads = 4\n".repeat(100));
    env.applyWholeRelease(app, config);
    Map<Service, Scrape> before = scrapeAll(env);

    Cli.Run refused = Cli.as(null, env.server(), "status", "--app", app, "--env", "e2e");
    Cli.Run release = env.deployAndWait(app, "1.0.0");

    assertThat(refused.exit()).as(refused.all()).isEqualTo(12);
    assertThat(release.exit()).as(release.all()).isZero();
    Deployment deployment = E2eEnvironment.deployment(release.out());
    Matcher backedUp =
        BYTES.matcher(E2eEnvironment.phase(deployment, Phase.PHASE_BACKUP).getSummary());
    assertThat(backedUp.find()).isTrue();
    long backupBytes = Long.parseLong(backedUp.group(1));

    // Counted once committed, which may be a moment after the CLI saw it.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> orchestratorMoved(env, before.get(Service.ORCHESTRATOR)));

    Delta backup = new Delta(before.get(Service.BACKUP), scrape(env, Service.BACKUP));
    assertThat(backup.of("slipway_backup_bytes_total", "kind=\"backup\"", "type=\"files\""))
        .as("the bytes the backup wrote, as its phase says")
        .isGreaterThanOrEqualTo(backupBytes);
    assertThat(
            backup.of(
                "slipway_worker_jobs_seconds_count", "phase=\"BACKUP\"", "outcome=\"SUCCEEDED\""))
        .isGreaterThan(0);

    Delta health = new Delta(before.get(Service.HEALTH), scrape(env, Service.HEALTH));
    assertThat(health.of("slipway_checks_seconds_count", "type=\"tcp\"", "outcome=\"PASSED\""))
        .as("two passing rounds of one check")
        .isGreaterThanOrEqualTo(2);
    assertThat(health.of("slipway_check_rounds_total", "outcome=\"passed\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            health.of(
                "slipway_worker_jobs_seconds_count", "phase=\"VERIFY\"", "outcome=\"SUCCEEDED\""))
        .isGreaterThan(0);

    // ops refuses every first attempt: one attempt to retry, then one delivered.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Delta notifier =
                  new Delta(before.get(Service.NOTIFIER), scrape(env, Service.NOTIFIER));
              assertThat(
                      notifier.of(
                          "slipway_deliveries_seconds_count",
                          "channel=\"ops\"",
                          "outcome=\"PENDING\""))
                  .isGreaterThan(0);
              assertThat(
                      notifier.of(
                          "slipway_deliveries_seconds_count",
                          "channel=\"ops\"",
                          "outcome=\"DELIVERED\""))
                  .isGreaterThan(0);
            });
    for (Service worker : List.of(Service.BACKUP, Service.HEALTH, Service.NOTIFIER)) {
      Scrape now = scrape(env, worker);
      assertThat(new Delta(before.get(worker), now).of("slipway_events_consumed_total"))
          .as("%s consumed the release's events", worker)
          .isGreaterThan(0);
      assertThat(now.has("kafka_consumer_fetch_manager_records_lag_max"))
          .as("%s reports its consumer lag", worker)
          .isTrue();
    }
  }

  private static void orchestratorMoved(E2eEnvironment env, Scrape before) throws Exception {
    Scrape orchestrator = scrape(env, Service.ORCHESTRATOR);
    Delta o = new Delta(before, orchestrator);
    assertThat(o.of("slipway_deployments_started_total", "kind=\"deploy\"")).isGreaterThan(0);
    assertThat(
            o.of("slipway_deployments_finished_total", "kind=\"deploy\"", "status=\"SUCCEEDED\""))
        .isGreaterThan(0);
    for (String phase : List.of("BACKUP", "DEPLOY", "VERIFY")) {
      assertThat(
              o.of(
                  "slipway_phase_duration_seconds_count",
                  "phase=\"" + phase + "\"",
                  "outcome=\"SUCCEEDED\""))
          .as("%s timed", phase)
          .isGreaterThan(0);
    }
    assertThat(orchestrator.sum("slipway_phase_duration_seconds_bucket", "phase=\"DEPLOY\""))
        .as("phase durations are histograms")
        .isGreaterThan(0);
    assertThat(orchestrator.has("slipway_outbox_lag_seconds")).isTrue();
    assertThat(orchestrator.sum("slipway_outbox_lag_seconds")).isBetween(0.0, 60.0);
    assertThat(o.of("slipway_calls_refused_total", "reason=\"unauthenticated\""))
        .as("the call without a token")
        .isGreaterThan(0);
    assertThat(
            o.of(
                "grpc_server_processing_duration_seconds_count",
                "method=\"CreateDeployment\"",
                "statusCode=\"OK\""))
        .isEqualTo(1);
  }

  @Test
  void healthAnswersOnTheManagementPortAndNothingSensitiveIsServed() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    for (Service service : Service.values()) {
      int port = env.stack.httpPort(service);
      assertThat(get(port, "/health").statusCode()).as("%s /health", service).isEqualTo(200);
      assertThat(get(port, "/health").body()).isEqualTo("{\"status\":\"UP\"}");
      for (String hidden : List.of("/env", "/beans", "/loggers", "/threaddump", "/routes")) {
        assertThat(get(port, hidden).statusCode()).as("%s %s", service, hidden).isEqualTo(404);
      }
    }
  }

  private static Map<Service, Scrape> scrapeAll(E2eEnvironment env) throws Exception {
    Map<Service, Scrape> scrapes = new EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      scrapes.put(service, scrape(env, service));
    }
    return scrapes;
  }

  private static Scrape scrape(E2eEnvironment env, Service service) throws Exception {
    HttpResponse<String> response = get(env.stack.httpPort(service), "/prometheus");
    assertThat(response.statusCode()).as("%s /prometheus", service).isEqualTo(200);
    return new Scrape(response.body().lines().filter(l -> !l.startsWith("#")).toList());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Samples of the Prometheus text format: {@code name{labels} value}. */
  record Scrape(List<String> samples) {
    /** The sum of the samples of {@code name} whose labels include every one given. */
    double sum(String name, String... labels) {
      return samples.stream()
          .filter(s -> s.startsWith(name + "{") || s.startsWith(name + " "))
          .filter(s -> Arrays.stream(labels).allMatch(s::contains))
          .mapToDouble(s -> Double.parseDouble(s.substring(s.lastIndexOf(' ') + 1)))
          .sum();
    }

    boolean has(String name) {
      return samples.stream().anyMatch(s -> s.startsWith(name + "{") || s.startsWith(name + " "));
    }
  }

  record Delta(Scrape before, Scrape after) {
    double of(String name, String... labels) {
      return after.sum(name, labels) - before.sum(name, labels);
    }
  }
}
