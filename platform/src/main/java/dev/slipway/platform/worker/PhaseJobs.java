package dev.slipway.platform.worker;

import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.kafka.EventHandler;
import dev.slipway.platform.lease.Lease;
import dev.slipway.platform.logging.DeploymentLog;
import dev.slipway.platform.process.RunningWork;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.retry.Backoff;
import dev.slipway.platform.retry.InfrastructureFailure;
import dev.slipway.platform.tracing.Tracing;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.PhaseOutcome;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns PhaseStarted events into durable jobs (table {@code phase_jobs}, written in the inbox
 * transaction) and runs each under a lease: only the lease's owner acts, a lost lease or a passed
 * deadline stops what the job runs, and nothing is reported then. The verdict is stored before it
 * is reported, so a replica that recovers a job whose runner died reports a stored verdict again
 * and runs only a job that never reached one, and only while its phase is still current.
 */
@Singleton
@Requires(beans = PhaseWorker.class)
public class PhaseJobs implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PhaseJobs.class);
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));

  /**
   * An ERRORED verdict is sent this long before the deadline, so it arrives before the deadline
   * fires.
   */
  private static final Duration REPORT_MARGIN = Duration.ofSeconds(3);

  private final PhaseWorker worker;
  private final PhaseJobRows rows;
  private final OrchestratorClient orchestrator;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Duration lease;
  private final String service;
  private final MeterRegistry meters;
  private final Duration shutdownGrace;
  private final Tracer tracer;
  private final RunningWork work = new RunningWork();

  public PhaseJobs(
      PhaseWorker worker,
      PhaseJobRows rows,
      OrchestratorClient orchestrator,
      Clock clock,
      Supplier<UUID> ids,
      @Value("${slipway.job-lease:30s}") Duration lease,
      @Value("${micronaut.application.name}") String service,
      @Value("${slipway.shutdown.grace:20s}") Duration shutdownGrace,
      MeterRegistry meters,
      Tracer tracer) {
    this.tracer = tracer;
    this.shutdownGrace = shutdownGrace;
    this.meters = meters;
    this.ids = ids;
    this.worker = worker;
    this.rows = rows;
    this.orchestrator = orchestrator;
    this.clock = clock;
    this.lease = lease;
    this.service = service;
  }

  @Override
  public Runnable handle(DeploymentEvent event, Connection tx) throws SQLException {
    if (!event.hasPhaseStarted() || !worker.phases().contains(event.getPhaseStarted().getPhase())) {
      return NOTHING;
    }
    var started = event.getPhaseStarted();
    PhaseJob job =
        new PhaseJob(
            UUID.fromString(event.getDeploymentId()),
            started.getPhase(),
            started.getAttempt(),
            Instant.ofEpochSecond(
                started.getDeadline().getSeconds(), started.getDeadline().getNanos()),
            started.getStep());
    PhaseJobRows.Claimed claimed =
        new PhaseJobRows.Claimed(job, ids.get(), null, Tracing.currentTraceparent().orElse(null));
    return rows.insert(tx, claimed, clock.instant(), clock.instant().plus(lease))
        ? () -> start(claimed)
        : NOTHING;
  }

  private void start(PhaseJobRows.Claimed claimed) {
    PhaseJob job = claimed.job();
    Thread.ofVirtual().name(job.phase() + "-" + job.deploymentId()).start(() -> run(claimed));
  }

  private void run(PhaseJobRows.Claimed claimed) {
    PhaseJob job = claimed.job();
    StopSignal stop = StopSignal.at(job.deadline(), clock);
    if (!work.begin(stop)) {
      // Shutting down: another replica, or this one restarted, takes it over at once.
      release(claimed);
      return;
    }
    try (DeploymentLog log = DeploymentLog.scope(job.deploymentId(), null);
        Tracing.Traced span =
            Tracing.start(
                tracer
                    .spanBuilder("job " + PhaseNames.of(job.phase()))
                    .setParent(Tracing.parent(claimed.traceparent()))
                    .setAttribute("slipway.deployment_id", job.deploymentId().toString())
                    .setAttribute("slipway.attempt", job.attempt())
                    .setAttribute("slipway.resumed", claimed.report() != null));
        Lease held =
            Lease.hold(
                service + " " + job.phase() + " " + job.deploymentId(),
                clock.instant().plus(lease),
                lease,
                clock,
                until -> {
                  // The renewer's own thread asks the orchestrator in the job's trace.
                  try (Scope inJob = span.context().makeCurrent()) {
                    return rows.renew(job, claimed.owner(), until) && stillCurrent(job);
                  }
                },
                stop)) {
      ReportStepRequest report =
          claimed.report() != null ? claimed.report() : runToVerdict(claimed, stop);
      if (report != null) {
        report(claimed, report);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StatusRuntimeException | DatabaseException e) {
      // The lease runs out; recovery reports the stored verdict, or runs a job that never reached
      // one.
      LOG.warn(
          "{} of {}: cannot finish the job now: {}", job.phase(), job.deploymentId(), e.toString());
    } finally {
      // The lease has stopped renewing by now: released (a no-op for a job that finished), the
      // next runner claims it at its next recovery.
      if (stop.handedBack()) {
        release(claimed);
      }
      work.end(stop);
    }
  }

  private void release(PhaseJobRows.Claimed claimed) {
    try {
      rows.renew(claimed.job(), claimed.owner(), clock.instant());
    } catch (DatabaseException e) {
      LOG.warn(
          "{} of {}: cannot hand the job back, its lease runs out instead: {}",
          claimed.job().phase(),
          claimed.job().deploymentId(),
          e.getMessage());
    }
  }

  private void report(PhaseJobRows.Claimed claimed, ReportStepRequest report)
      throws InterruptedException {
    PhaseJob job = claimed.job();
    if (report.getOutcome() == PhaseOutcome.PHASE_OUTCOME_ERRORED) {
      Span.current().setStatus(StatusCode.ERROR, report.getSummary());
    }
    boolean accepted = orchestrator.report(report);
    LOG.info(
        "{} attempt {} of {}: {}{}",
        job.phase(),
        job.attempt(),
        job.deploymentId(),
        PhaseNames.outcome(report.getOutcome()),
        accepted ? "" : " (not accepted: the phase is no longer current)");
    rows.finish(
        job,
        claimed.owner(),
        jobStatus(report),
        report.getSummary() + (accepted ? "" : " (report not accepted: phase no longer current)"),
        clock.instant());
  }

  /**
   * The job's status once reported; a verdict stored before outcomes existed has only succeeded.
   */
  private static JobStatus jobStatus(ReportStepRequest report) {
    return switch (report.getOutcome()) {
      case PHASE_OUTCOME_SUCCEEDED -> JobStatus.SUCCEEDED;
      case PHASE_OUTCOME_ERRORED -> JobStatus.ERRORED;
      case PHASE_OUTCOME_NO_DATA -> JobStatus.NO_DATA;
      default -> report.getSucceeded() ? JobStatus.SUCCEEDED : JobStatus.FAILED;
    };
  }

  /**
   * Runs the job if its phase is still current; returns the stored verdict, or null if there is
   * none to report.
   */
  private ReportStepRequest runToVerdict(PhaseJobRows.Claimed claimed, StopSignal stop)
      throws InterruptedException {
    PhaseJob job = claimed.job();
    if (stop.stopped()) {
      rows.finish(
          job,
          claimed.owner(),
          JobStatus.EXPIRED,
          "not run: " + stop.reason().orElseThrow(),
          clock.instant());
      return null;
    }
    StepContext context = orchestrator.stepContext(job.deploymentId().toString());
    DeploymentLog.target(TargetKey.of(context.getTarget()));
    if (!job.currentIn(context)) {
      rows.finish(
          job,
          claimed.owner(),
          JobStatus.SUPERSEDED,
          "not run: the deployment is in "
              + context.getCurrentPhase()
              + (context.getCurrentStep() > 0 ? " step " + context.getCurrentStep() : "")
              + " attempt "
              + context.getCurrentAttempt(),
          clock.instant());
      return null;
    }
    Timer.Sample running = Timer.start(meters);
    PhaseWorker.Result result = runThroughInfrastructureFailures(job, context, stop);
    running.stop(
        Timer.builder("slipway.worker.jobs")
            .description("Phase jobs this worker ran, by phase and verdict")
            .tag("phase", PhaseNames.of(job.phase()))
            .tag("outcome", stop.leaseLost() ? "stopped" : PhaseNames.outcome(result.outcome()))
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(2))
            .register(meters));
    // A verdict reached before the hand-back stopped anything is kept and reported; any other is
    // left for the next runner, which runs the job again.
    boolean lost = stop.leaseLost();
    if (lost && stop.handedBack() && !result.succeeded()) {
      LOG.info(
          "{} of {}: {}; what it ran was stopped and the job handed back",
          job.phase(),
          job.deploymentId(),
          stop.reason().orElse("handed back"));
      return null;
    }
    if (lost && !stop.handedBack()) {
      String why = stop.reason().orElse("lease lost");
      LOG.warn(
          "{} of {}: {}; what it ran was stopped and nothing is reported",
          job.phase(),
          job.deploymentId(),
          why);
      // Fenced by the owner: a no-op when another replica holds the job now.
      rows.finish(
          job,
          claimed.owner(),
          JobStatus.STOPPED,
          "stopped, nothing reported: " + why,
          clock.instant());
      return null;
    }
    ReportStepRequest report =
        ReportStepRequest.newBuilder()
            .setDeploymentId(job.deploymentId().toString())
            .setPhase(job.phase())
            .setAttempt(job.attempt())
            .setStep(job.step())
            .setSucceeded(result.succeeded())
            .setOutcome(result.outcome())
            .setSummary(result.summary())
            .addAllEvidence(result.evidence())
            .setReporter(service)
            .build();
    if (!rows.storeVerdict(job, claimed.owner(), report)) {
      LOG.warn(
          "{} of {}: the job was taken over before its verdict was stored",
          job.phase(),
          job.deploymentId());
      return null;
    }
    return report;
  }

  /**
   * Runs the worker. A failure of Slipway's own parts (this service's database, the orchestrator)
   * is tried again after a pause while the deadline leaves room, then reported as ERRORED naming
   * the component; anything else the worker throws is this service's fault, ERRORED at once.
   * Neither is ever FAILED: only the worker's own verdict says that the release is bad.
   */
  private PhaseWorker.Result runThroughInfrastructureFailures(
      PhaseJob job, StepContext context, StopSignal stop) throws InterruptedException {
    String what = service + " could not run " + PhaseNames.of(job.phase());
    for (int failures = 1; ; failures++) {
      try {
        return worker.run(job, context, stop);
      } catch (RuntimeException e) {
        Optional<String> component = InfrastructureFailure.transientComponent(e);
        if (component.isEmpty()) {
          LOG.error("{} of {} failed inside {}", job.phase(), job.deploymentId(), service, e);
          return PhaseWorker.Result.errored(what + ": " + e.getMessage());
        }
        Duration pause = RETRY.delay(failures);
        if (stop.stopped()
            || clock.instant().plus(pause).plus(REPORT_MARGIN).isAfter(job.deadline())) {
          return PhaseWorker.Result.errored(
              what
                  + ": "
                  + component.get()
                  + " failed "
                  + failures
                  + " time(s) in a row, the last: "
                  + e.getMessage());
        }
        LOG.warn(
            "{} of {}: {} failed ({}), trying again in {}",
            job.phase(),
            job.deploymentId(),
            component.get(),
            e.getMessage(),
            pause);
        Thread.sleep(pause);
        if (stop.stopped()) {
          // The lease was lost or the deadline passed while waiting: never start the work again.
          return PhaseWorker.Result.errored(what + ": " + stop.reason().orElse("stopped"));
        }
      }
    }
  }

  /**
   * Whether the deployment is still in this job's phase attempt; a cancelled or superseded job is
   * stopped. An orchestrator that does not answer now is no reason to stop: the lease decides.
   */
  private boolean stillCurrent(PhaseJob job) {
    return orchestrator
        .stepContextNow(job.deploymentId().toString())
        .map(job::currentIn)
        .orElse(true);
  }

  /**
   * Claims jobs whose runner stopped renewing its lease: reports their verdict, or runs them again.
   */
  @Scheduled(fixedDelay = "5s", initialDelay = "2s")
  void recover() {
    if (work.draining()) {
      return;
    }
    try {
      for (PhaseJobRows.Claimed claimed : rows.claimOrphans(clock.instant(), lease)) {
        LOG.info(
            "resuming {} of {} attempt {}{}",
            claimed.job().phase(),
            claimed.job().deploymentId(),
            claimed.job().attempt(),
            claimed.report() == null ? "" : " (its stored verdict is reported again)");
        start(claimed);
      }
    } catch (DatabaseException e) {
      LOG.warn("job recovery cannot reach the database: {}", e.getMessage());
    }
  }

  /**
   * SIGTERM: no job starts any more; running ones get {@code slipway.shutdown.grace} to finish and
   * report, then are handed back (stopped, nothing reported, lease released).
   */
  @EventListener
  void onShutdown(ShutdownEvent event) throws InterruptedException {
    int handedBack = work.drain(shutdownGrace, "handed back: " + service + " is shutting down");
    LOG.info("{} stopped taking jobs; {} handed back", service, handedBack);
  }
}
