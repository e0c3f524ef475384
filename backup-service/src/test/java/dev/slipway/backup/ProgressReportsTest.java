package dev.slipway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.worker.PhaseJob;
import dev.slipway.proto.internal.v1.ReportProgressRequest;
import dev.slipway.proto.internal.v1.ReportProgressResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.v1.Phase;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress reaches a real gRPC peer, as the orchestrator would take it, and stops with its job. */
class ProgressReportsTest {
  private final List<ReportProgressRequest> received = new CopyOnWriteArrayList<>();
  private Server orchestrator;
  private OrchestratorClient client;

  @BeforeEach
  void start() throws Exception {
    orchestrator =
        ServerBuilder.forPort(0)
            .addService(
                new StepReportServiceGrpc.StepReportServiceImplBase() {
                  @Override
                  public void reportProgress(
                      ReportProgressRequest request,
                      StreamObserver<ReportProgressResponse> response) {
                    received.add(request);
                    response.onNext(ReportProgressResponse.newBuilder().setAccepted(true).build());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
    client = new OrchestratorClient("127.0.0.1:" + orchestrator.getPort(), "", "backup-service");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    orchestrator.shutdownNow();
  }

  @Test
  void theSizeOfTheFileBeingWrittenIsToldUntilTheJobEnds(@TempDir Path dir) throws Exception {
    ProgressReports reports = new ProgressReports(client, Duration.ofMillis(100));
    PhaseJob job = new PhaseJob(UUID.randomUUID(), Phase.PHASE_BACKUP, 2, Instant.now());
    Path dump = dir.resolve("0-postgres.dump");
    try (ProgressReports.Tracker tracker =
        reports.start(job, StopSignal.after(Duration.ofMinutes(1), java.time.Clock.systemUTC()))) {
      tracker.watch("postgres app@db:5432/journal written to the backup", dump);
      await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
      assertThat(received.getFirst().getBytes()).as("nothing written yet").isZero();
      Files.write(dump, new byte[3 * 1024 * 1024 / 2]);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> received.getLast().getBytes() == 3 * 1024 * 1024 / 2);
    }
    ReportProgressRequest last = received.getLast();
    assertThat(last.getDeploymentId()).isEqualTo(job.deploymentId().toString());
    assertThat(last.getPhase()).isEqualTo(Phase.PHASE_BACKUP);
    assertThat(last.getAttempt()).isEqualTo(2);
    assertThat(last.getDetail())
        .isEqualTo("postgres app@db:5432/journal written to the backup: 1.5 MiB");
    int told = received.size();
    await("nothing is told once the job ended")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> received.size() <= told + 1);
    reports.close();
  }

  @Test
  void anIntervalOfZeroTellsNothingAndNeverFailsTheJob(@TempDir Path dir) throws Exception {
    ProgressReports reports = new ProgressReports(client, Duration.ZERO);
    try (ProgressReports.Tracker tracker =
        reports.start(
            new PhaseJob(UUID.randomUUID(), Phase.PHASE_RESTORE, 1, Instant.now()),
            StopSignal.after(Duration.ofMinutes(1), java.time.Clock.systemUTC()))) {
      tracker.watch("restore", Files.write(dir.resolve("x"), new byte[10]));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(received::isEmpty);
    }
    reports.close();
  }
}
