package dev.slipway.platform.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.CommandRunner;
import dev.slipway.platform.process.ProcessGroup;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.internal.v1.GetStepContextRequest;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.internal.v1.WorkerServiceGrpc;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseStarted;
import dev.slipway.testkit.TestInfrastructure;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Phase jobs on a real PostgreSQL, reporting over real gRPC to an orchestrator stand-in started
 * here that answers step contexts and records every report. The job runs a real command.
 */
class PhaseJobsTest {
  private static final Duration LEASE = Duration.ofMillis(1500);
  private static final Clock CLOCK = Clock.systemUTC();
  private static String jdbcUrl;
  private static TestInfrastructure infrastructure;
  private static Transactions transactions;
  private static Server orchestratorPeer;
  private static OrchestratorClient orchestrator;

  /** What the stand-in says each deployment is in now. */
  private static final Map<String, StepContext> current = new ConcurrentHashMap<>();

  private static final List<ReportStepRequest> reports = new CopyOnWriteArrayList<>();

  private final CountingWorker worker = new CountingWorker();
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final PhaseJobs jobs = jobs(Duration.ofSeconds(5));

  /** A replica of the backup-service whose jobs get {@code grace} to finish at shutdown. */
  private PhaseJobs jobs(Duration grace) {
    return new PhaseJobs(
        worker,
        new PhaseJobRows(transactions),
        orchestrator,
        CLOCK,
        UUID::randomUUID,
        LEASE,
        "backup-service",
        grace,
        meters,
        io.opentelemetry.api.trace.TracerProvider.noop().get("test"));
  }

  @BeforeAll
  static void start() throws Exception {
    infrastructure = TestInfrastructure.shared();
    jdbcUrl = infrastructure.createDatabase("jobs");
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    transactions = new Transactions(dataSource);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String migration :
          List.of(
              "V1_1__phase_jobs.sql",
              "V2_1__phase_job_leases.sql",
              "V4_1__phase_job_trace.sql",
              "V5_1__phase_job_steps.sql")) {
        s.execute(
            new String(
                PhaseJobsTest.class
                    .getResourceAsStream("/db/phase-jobs/" + migration)
                    .readAllBytes(),
                StandardCharsets.UTF_8));
      }
    }
    orchestratorPeer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new WorkerServiceGrpc.WorkerServiceImplBase() {
                  @Override
                  public void getStepContext(
                      GetStepContextRequest request, StreamObserver<StepContext> response) {
                    response.onNext(
                        current.getOrDefault(
                            request.getDeploymentId(), StepContext.getDefaultInstance()));
                    response.onCompleted();
                  }
                })
            .addService(
                new StepReportServiceGrpc.StepReportServiceImplBase() {
                  @Override
                  public void reportStep(
                      ReportStepRequest request, StreamObserver<ReportStepResponse> response) {
                    reports.add(request);
                    response.onNext(ReportStepResponse.newBuilder().setAccepted(true).build());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
    orchestrator =
        new OrchestratorClient("127.0.0.1:" + orchestratorPeer.getPort(), null, "slw_test");
  }

  @AfterAll
  static void stop() throws Exception {
    orchestrator.close();
    orchestratorPeer.shutdownNow();
  }

  @BeforeEach
  void noJobsOfOtherTests() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("delete from phase_jobs");
    }
  }

  @Test
  void aJobPastItsDeadlineHasWhatItRunsStoppedAndReportsWhy() throws Exception {
    UUID id = UUID.randomUUID();
    worker.command = "sleep 300";
    started(id, 1, Instant.now().plusSeconds(2));

    await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(status(id, 1)));

    assertThat(reportsOf(id)).hasSize(1);
    ReportStepRequest report = reportsOf(id).getFirst();
    assertThat(report.getSucceeded()).isFalse();
    assertThat(report.getSummary()).contains("deadline").contains("passed");
    assertThat(ProcessGroup.alive(worker.session.get()))
        .as("the command and its session are gone")
        .isFalse();
  }

  @Test
  void aJobWhoseLeaseIsTakenOverStopsWhatItRunsAndReportsNothing() throws Exception {
    UUID id = UUID.randomUUID();
    worker.command = "sleep 300";
    started(id, 1, Instant.now().plusSeconds(300));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.session.get() != 0 && ProcessGroup.alive(worker.session.get()));

    sql("update phase_jobs set lease_owner = gen_random_uuid() where deployment_id = ?", id);

    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessGroup.alive(worker.session.get()));
    await("a runner without the lease says nothing")
        .during(LEASE)
        .atMost(LEASE.plusSeconds(3))
        .until(() -> reportsOf(id).isEmpty());
    assertThat(status(id, 1)).isEqualTo("RUNNING");
    assertThat(worker.runs.get()).isEqualTo(1);
    assertThat(jobsTimed("stopped")).isEqualTo(1);
    assertThat(jobsTimed("SUCCEEDED") + jobsTimed("FAILED") + jobsTimed("ERRORED")).isZero();
  }

  /** How many jobs the worker's timer counted with this outcome. */
  private long jobsTimed(String outcome) {
    var timer = meters.find("slipway.worker.jobs").tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void aVerdictReachedBeforeItsRunnerDiedIsReportedAgainNeverRunAgain() throws Exception {
    UUID id = UUID.randomUUID();
    ReportStepRequest verdict =
        ReportStepRequest.newBuilder()
            .setDeploymentId(id.toString())
            .setPhase(Phase.PHASE_RESTORE)
            .setAttempt(1)
            .setSucceeded(true)
            .setSummary("restored backup b1")
            .build();
    insertOrphan(id, "REPORTING", verdict.toByteArray());

    jobs.recover();

    await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(id, 1)));
    assertThat(reportsOf(id)).containsExactly(verdict);
    assertThat(worker.runs.get()).as("the restore is not run a second time").isZero();
  }

  @Test
  void anOrphanWhosePhaseMovedOnIsNotRun() throws Exception {
    UUID id = UUID.randomUUID();
    insertOrphan(id, "RUNNING", null);
    current.put(
        id.toString(),
        StepContext.newBuilder()
            .setDeploymentId(id.toString())
            .setCurrentPhase(Phase.PHASE_REVERT)
            .setCurrentAttempt(1)
            .build());

    jobs.recover();

    await().atMost(Duration.ofSeconds(10)).until(() -> "SUPERSEDED".equals(status(id, 1)));
    assertThat(worker.runs.get()).isZero();
    assertThat(reportsOf(id)).isEmpty();
  }

  @Test
  void aJobIsRunOnceHoweverOftenItsEventArrives() throws Exception {
    UUID id = UUID.randomUUID();
    worker.command = "true";
    started(id, 1, Instant.now().plusSeconds(60));
    started(id, 1, Instant.now().plusSeconds(60));

    await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(id, 1)));
    assertThat(worker.runs.get()).isEqualTo(1);
    assertThat(jobsTimed("SUCCEEDED")).as("one run, timed once").isEqualTo(1);
    assertThat(reportsOf(id))
        .hasSize(1)
        .first()
        .satisfies(r -> assertThat(r.getSucceeded()).isTrue());
  }

  @Test
  void aDatabaseBlipIsRiddenOutAndTheJobReportsItsRealVerdict() throws Exception {
    UUID id = UUID.randomUUID();
    worker.failFirst(databaseDown(), databaseDown());
    started(id, 1, Instant.now().plusSeconds(60));

    await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(status(id, 1)));
    assertThat(worker.runs.get()).as("two blips, then the run that worked").isEqualTo(3);
    assertThat(reportsOf(id))
        .hasSize(1)
        .first()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_SUCCEEDED);
              assertThat(r.getSucceeded()).isTrue();
            });
  }

  @Test
  void aDatabaseThatStaysDownIsReportedAsErroredNamingIt() throws Exception {
    UUID id = UUID.randomUUID();
    worker.failFirst(
        databaseDown(), databaseDown(), databaseDown(), databaseDown(), databaseDown());
    Instant deadline = Instant.now().plusSeconds(7);
    started(id, 1, deadline);

    await().atMost(Duration.ofSeconds(20)).until(() -> "ERRORED".equals(status(id, 1)));
    assertThat(reportsOf(id)).hasSize(1);
    ReportStepRequest report = reportsOf(id).getFirst();
    assertThat(report.getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_ERRORED);
    assertThat(report.getSucceeded()).isFalse();
    assertThat(report.getSummary())
        .startsWith("backup-service could not run RESTORE: its database failed ")
        .contains("connection refused");
    assertThat(worker.runs.get()).as("tried again while the deadline left room").isBetween(2, 4);
    assertThat(worker.commands.get()).as("the tool itself never ran").isZero();
  }

  @Test
  void aFaultOfTheServiceItselfIsErroredAtOnceNeverFailed() throws Exception {
    UUID id = UUID.randomUUID();
    worker.failFirst(new IllegalStateException("no such keyset"));
    started(id, 1, Instant.now().plusSeconds(60));

    await().atMost(Duration.ofSeconds(10)).until(() -> "ERRORED".equals(status(id, 1)));
    assertThat(worker.runs.get()).isEqualTo(1);
    assertThat(reportsOf(id))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(PhaseOutcome.PHASE_OUTCOME_ERRORED);
              assertThat(r.getSummary())
                  .isEqualTo("backup-service could not run RESTORE: no such keyset");
            });
  }

  @Test
  void aJobThatFinishesWithinTheShutdownGraceIsReportedBeforeTheServiceStops() throws Exception {
    UUID id = UUID.randomUUID();
    worker.command = "sleep 1";
    started(id, 1, Instant.now().plusSeconds(60));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.session.get() != 0);

    jobs.onShutdown(null);

    assertThat(status(id, 1)).isEqualTo("SUCCEEDED");
    assertThat(reportsOf(id)).singleElement().satisfies(r -> assertThat(r.getSucceeded()).isTrue());
  }

  @Test
  void aJobStillRunningAtShutdownIsHandedBackAndTakenOverAtOnceNotWhenItsLeaseRunsOut()
      throws Exception {
    UUID id = UUID.randomUUID();
    worker.command = "sleep 300";
    started(id, 1, Instant.now().plusSeconds(300));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.session.get() != 0 && ProcessGroup.alive(worker.session.get()));
    long session = worker.session.get();

    jobs.onShutdown(null);

    assertThat(ProcessGroup.alive(session)).as("what it ran is stopped").isFalse();
    assertThat(reportsOf(id)).as("nothing reported for the stopped run").isEmpty();
    assertThat(status(id, 1)).as("not finished: handed back").isEqualTo("RUNNING");
    assertThat(leaseReleased(id)).as("its lease released, not left to run out").isTrue();
    UUID arrivedLate = UUID.randomUUID();
    started(arrivedLate, 1, Instant.now().plusSeconds(60));
    await("a job arriving while draining is released at once, not run")
        .atMost(Duration.ofMillis(1000))
        .until(() -> leaseReleased(arrivedLate));
    assertThat(worker.runs.get()).as("a draining replica starts nothing new").isEqualTo(1);

    worker.command = "true";
    jobs(Duration.ofSeconds(2)).recover();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> "SUCCEEDED".equals(status(id, 1)) && "SUCCEEDED".equals(status(arrivedLate, 1)));
    assertThat(worker.runs.get()).as("both run by the next replica").isEqualTo(3);
    assertThat(reportsOf(id)).singleElement().satisfies(r -> assertThat(r.getSucceeded()).isTrue());
    assertThat(reportsOf(arrivedLate)).hasSize(1);
  }

  private static DatabaseException databaseDown() {
    return new DatabaseException(new SQLException("connection refused", "08001"));
  }

  /**
   * Delivers PhaseStarted as the consumer would: the job row in the transaction, the run after it.
   */
  private void started(UUID id, int attempt, Instant deadline) {
    current.put(
        id.toString(),
        StepContext.newBuilder()
            .setDeploymentId(id.toString())
            .setCurrentPhase(Phase.PHASE_RESTORE)
            .setCurrentAttempt(attempt)
            .build());
    DeploymentEvent event =
        DeploymentEvent.newBuilder()
            .setDeploymentId(id.toString())
            .setPhaseStarted(
                PhaseStarted.newBuilder()
                    .setPhase(Phase.PHASE_RESTORE)
                    .setAttempt(attempt)
                    .setDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond())))
            .build();
    transactions.inTransaction(c -> jobs.handle(event, c)).run();
  }

  private static void insertOrphan(UUID id, String status, byte[] report) throws Exception {
    try (Connection c = connect();
        PreparedStatement insert =
            c.prepareStatement(
                "insert into phase_jobs (deployment_id, phase, attempt, deadline, status, summary, lease_until, lease_owner,"
                    + " report, created_at) values (?, 'RESTORE', 1, now() + interval '1 minute', ?, '',"
                    + " now() - interval '1 second', gen_random_uuid(), ?, now())")) {
      insert.setObject(1, id);
      insert.setString(2, status);
      insert.setBytes(3, report);
      insert.executeUpdate();
    }
  }

  private static List<ReportStepRequest> reportsOf(UUID id) {
    return reports.stream().filter(r -> r.getDeploymentId().equals(id.toString())).toList();
  }

  private static String status(UUID id, int attempt) throws Exception {
    try (Connection c = connect();
        PreparedStatement select =
            c.prepareStatement(
                "select status from phase_jobs where deployment_id = ? and attempt = ?")) {
      select.setObject(1, id);
      select.setInt(2, attempt);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  private static boolean leaseReleased(UUID id) throws Exception {
    try (Connection c = connect();
        PreparedStatement select =
            c.prepareStatement(
                "select lease_until <= now() from phase_jobs where deployment_id = ?")) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() && row.getBoolean(1);
      }
    }
  }

  private static void sql(String statement, UUID id) throws Exception {
    try (Connection c = connect();
        PreparedStatement update = c.prepareStatement(statement)) {
      update.setObject(1, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl, infrastructure.user(), infrastructure.password());
  }

  /** Runs a real command for RESTORE, as the backup-service runs its tools, and counts its runs. */
  private static final class CountingWorker implements PhaseWorker {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger commands = new AtomicInteger();
    final AtomicLong session = new AtomicLong();
    final Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
    volatile String command = "true";

    void failFirst(RuntimeException... failures) {
      this.failures.addAll(List.of(failures));
    }

    @Override
    public Set<Phase> phases() {
      return Set.of(Phase.PHASE_RESTORE);
    }

    @Override
    public Result run(PhaseJob job, StepContext context, StopSignal stop)
        throws InterruptedException {
      runs.incrementAndGet();
      RuntimeException failure = failures.poll();
      if (failure != null) {
        throw failure;
      }
      commands.incrementAndGet();
      CommandRunner.Outcome outcome =
          CommandRunner.run(
              List.of("sh", "-c", command), null, Map.of(), stop, session::set, line -> {});
      return Result.of(outcome.succeeded(), outcome.summary(), List.of());
    }
  }
}
