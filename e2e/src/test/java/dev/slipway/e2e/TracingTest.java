package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.e2e.OtlpReceiver.ReceivedSpan;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * One release, one trace: the pipeline's {@code traceparent} given to the CLI is continued by the
 * orchestrator, every event it publishes, every worker that consumes one, the jobs they run and the
 * reports they send back; the spans reach a real OTLP receiver from all four services.
 */
class TracingTest {
  private static final int SERVER = 2;
  private static final int PRODUCER = 4;
  private static final int CONSUMER = 5;
  private static final String REPORT = "slipway.internal.v1.StepReportService/ReportStep";

  @Test
  void aReleaseIsOneTraceAcrossEveryServiceJoinedToThePipelines() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "traced-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("traced");
    Path config = Files.writeString(dir.resolve("app.conf"), "workers = 2\n");
    env.applyWholeRelease(app, config);
    String traceId = hex(16);
    String pipelineSpan = hex(8);

    Cli.Run release =
        env.deployAndWait(
            app, "1.0.0", "--traceparent", "00-" + traceId + "-" + pipelineSpan + "-01");

    assertThat(release.exit()).as(release.all()).isZero();
    Deployment deployment = E2eEnvironment.deployment(release.out());
    long events =
        env.count(
            "select count(*) from orchestrator.events where deployment_id = ?::uuid",
            deployment.getId());
    // Every event published, and consumed by each of the three workers (a redelivery adds one);
    // both jobs reported.
    List<ReceivedSpan> trace =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> env.otlp.trace(traceId),
                spans ->
                    named(spans, "publish ").size() >= events
                        && named(spans, "process ").size() >= 3 * events
                        && named(spans, REPORT).size() >= 2
                        && !named(spans, "step DEPLOY").isEmpty()
                        && !named(spans, "job BACKUP").isEmpty()
                        && !named(spans, "job VERIFY").isEmpty());

    System.out.println(
        "trace "
            + traceId
            + ": "
            + trace.size()
            + " spans, by service "
            + new java.util.TreeMap<>(
                trace.stream()
                    .collect(Collectors.groupingBy(ReceivedSpan::service, Collectors.counting()))));
    ReceivedSpan created =
        only(trace, "slipway.v1.DeploymentService/CreateDeployment", "slipway-orchestrator");
    assertThat(created.kind()).isEqualTo(SERVER);
    assertThat(created.parentSpanId()).as("a child of the pipeline's span").isEqualTo(pipelineSpan);
    Map<String, ReceivedSpan> byId =
        trace.stream().collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity()));
    assertThat(trace)
        .as("every span's parent is in the trace, or is the pipeline's span")
        .allSatisfy(
            span ->
                assertThat(
                        span.parentSpanId().equals(pipelineSpan)
                            || byId.containsKey(span.parentSpanId()))
                    .as(span.name() + " of " + span.service())
                    .isTrue());

    for (ReceivedSpan publish : named(trace, "publish ")) {
      assertThat(publish.service()).isEqualTo("slipway-orchestrator");
      assertThat(publish.kind()).isEqualTo(PRODUCER);
    }
    for (ReceivedSpan process : named(trace, "process ")) {
      assertThat(byId.get(process.parentSpanId()).name())
          .as("consumed in the trace it was published in")
          .startsWith("publish ");
      assertThat(process.kind()).isEqualTo(CONSUMER);
    }
    assertThat(
            named(trace, "process ").stream()
                .map(ReceivedSpan::service)
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            "slipway-backup-service", "slipway-health-service", "slipway-notifier-service");

    // A second attempt (a lost lease, a resumed job) would be one more span of the same kind.
    for (ReceivedSpan deploy : all(trace, "step DEPLOY", "slipway-orchestrator")) {
      assertThat(deploy.parentSpanId())
          .as("the deployment's own trace")
          .isEqualTo(created.spanId());
    }
    for (String job : List.of("job BACKUP", "job VERIFY")) {
      List<ReceivedSpan> runs =
          all(
              trace,
              job,
              job.endsWith("BACKUP") ? "slipway-backup-service" : "slipway-health-service");
      for (ReceivedSpan run : runs) {
        assertThat(byId.get(run.parentSpanId()).name())
            .as(job + " continues the event that started it")
            .isEqualTo("process dev.slipway.deployment.phase_started.v1");
      }
      Set<String> runIds = runs.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
      assertThat(named(trace, REPORT))
          .as(job + " reports in a call the orchestrator serves as its child")
          .anySatisfy(
              report -> {
                assertThat(runIds).contains(report.parentSpanId());
                assertThat(report.service()).isEqualTo("slipway-orchestrator");
              });
    }

    List<ConsumerRecord<byte[], byte[]>> records =
        AuditTopic.readAll(
                env.infrastructure.kafkaBootstrap(), Topics.DEPLOYMENTS, Duration.ofSeconds(30))
            .stream()
            .filter(
                record -> AuditTopic.decode(record).getDeploymentId().equals(deployment.getId()))
            .toList();
    assertThat(records).hasSize((int) events);
    Set<String> publishSpans =
        named(trace, "publish ").stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String carried = AuditTopic.header(record, "ce_traceparent");
      DeploymentEvent event = AuditTopic.decode(record);
      assertThat(carried).as("event " + event.getSequence()).startsWith("00-" + traceId + "-");
      assertThat(AuditTopic.header(record, "traceparent")).isEqualTo(carried);
      assertThat(publishSpans).contains(carried.substring(36, 52));
    }
  }

  @Test
  void anApprovalInAnotherTraceLeavesTheReleaseInItsOwn() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "traced-gate-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("traced-gate");
    env.apply(
        dir,
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        approval: { required: 1, timeout: 1h }
        """
            .formatted(app));
    Path approver = env.token("tracing-approver-" + app, "approve:e2e", "read");
    String releaseTrace = hex(16);
    String approvalTrace = hex(16);

    Cli.Run started =
        Cli.run(
            env.server(),
            "--traceparent",
            "00-" + releaseTrace + "-" + hex(8) + "-01",
            "deploy",
            "--app",
            app,
            "--env",
            "e2e",
            "--version",
            "1.0.0",
            "-o",
            "json");
    String id = E2eEnvironment.deployment(started.out()).getId();
    Cli.Run approved =
        Cli.as(
            approver,
            env.server(),
            "--traceparent",
            "00-" + approvalTrace + "-" + hex(8) + "-01",
            "approve",
            id);

    assertThat(approved.exit()).as(approved.all()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.status(id).getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED);
    List<String> traces = new java.util.ArrayList<>();
    try (var c = env.slipway();
        var select =
            c.prepareStatement(
                "select traceparent from orchestrator.events where deployment_id = ?::uuid order by sequence")) {
      select.setString(1, id);
      try (var rows = select.executeQuery()) {
        while (rows.next()) {
          traces.add(rows.getString(1).split("-")[1]);
        }
      }
    }
    assertThat(traces)
        .as("every event, the approval's and those after it too, in the release's trace")
        .hasSizeGreaterThan(4)
        .containsOnly(releaseTrace);
  }

  private static List<ReceivedSpan> named(List<ReceivedSpan> spans, String prefix) {
    return spans.stream().filter(span -> span.name().startsWith(prefix)).toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String name, String service) {
    List<ReceivedSpan> found = all(spans, name, service);
    assertThat(found).as(name).hasSize(1);
    return found.getFirst();
  }

  /** The spans of this name, at least one, each from {@code service}. */
  private static List<ReceivedSpan> all(List<ReceivedSpan> spans, String name, String service) {
    List<ReceivedSpan> found = spans.stream().filter(span -> span.name().equals(name)).toList();
    assertThat(found).as(name).isNotEmpty().allMatch(span -> span.service().equals(service));
    return found;
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
