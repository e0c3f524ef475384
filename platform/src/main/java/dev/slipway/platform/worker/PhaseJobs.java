package dev.slipway.platform.worker;

import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.kafka.EventHandler;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.v1.DeploymentEvent;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns PhaseStarted events into durable jobs (table {@code phase_jobs}, written in the inbox
 * transaction), runs each on its own thread under a lease, reports the verdict, and picks up jobs
 * whose runner died (lease expired) so a restarted or sibling replica finishes them.
 */
@Singleton
@Requires(beans = PhaseWorker.class)
public class PhaseJobs implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PhaseJobs.class);
  private final PhaseWorker worker;
  private final Transactions transactions;
  private final OrchestratorClient orchestrator;
  private final Clock clock;
  private final Duration lease;
  private final String service;
  private final ScheduledExecutorService renewer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-lease").factory());

  public PhaseJobs(PhaseWorker worker, Transactions transactions, OrchestratorClient orchestrator, Clock clock,
      @Value("${slipway.job-lease:30s}") Duration lease, @Value("${micronaut.application.name}") String service) {
    this.worker = worker;
    this.transactions = transactions;
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
    PhaseJob job = new PhaseJob(UUID.fromString(event.getDeploymentId()), started.getPhase(), started.getAttempt(),
        Instant.ofEpochSecond(started.getDeadline().getSeconds(), started.getDeadline().getNanos()));
    try (PreparedStatement insert = tx.prepareStatement(
        "insert into phase_jobs (deployment_id, phase, attempt, deadline, status, summary, lease_until, created_at)"
            + " values (?, ?, ?, ?, 'RUNNING', '', ?, ?) on conflict do nothing")) {
      insert.setObject(1, job.deploymentId());
      insert.setString(2, PhaseNames.of(job.phase()));
      insert.setInt(3, job.attempt());
      insert.setTimestamp(4, Timestamp.from(job.deadline()));
      insert.setTimestamp(5, Timestamp.from(clock.instant().plus(lease)));
      insert.setTimestamp(6, Timestamp.from(clock.instant()));
      return insert.executeUpdate() == 1 ? () -> start(job) : NOTHING;
    }
  }

  private void start(PhaseJob job) {
    Thread.ofVirtual().name(job.phase() + "-" + job.deploymentId()).start(() -> run(job));
  }

  private void run(PhaseJob job) {
    if (clock.instant().isAfter(job.deadline())) {
      finish(job, "EXPIRED", "deadline passed before the job ran");
      return;
    }
    ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> renew(job),
        lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
    try {
      PhaseWorker.Result result;
      try {
        result = worker.run(job);
      } catch (RuntimeException e) {
        LOG.error("{} of {} failed inside {}", job.phase(), job.deploymentId(), service, e);
        result = PhaseWorker.Result.failed(service + " failed: " + e.getMessage());
      }
      boolean accepted = orchestrator.report(ReportStepRequest.newBuilder()
          .setDeploymentId(job.deploymentId().toString())
          .setPhase(job.phase())
          .setAttempt(job.attempt())
          .setSucceeded(result.succeeded())
          .setSummary(result.summary())
          .addAllEvidence(result.evidence())
          .setReporter(service)
          .build());
      finish(job, result.succeeded() ? "SUCCEEDED" : "FAILED",
          result.summary() + (accepted ? "" : " (report not accepted: phase no longer current)"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StatusRuntimeException | DatabaseException e) {
      // The lease runs out and recovery runs the job again.
      LOG.warn("{} of {}: cannot report or record the verdict: {}", job.phase(), job.deploymentId(), e.toString());
    } finally {
      renewal.cancel(false);
    }
  }

  /** Claims jobs whose runner stopped renewing its lease, and runs them again. */
  @Scheduled(fixedDelay = "5s", initialDelay = "2s")
  void recover() {
    try {
      for (PhaseJob job : transactions.inTransaction(this::claimOrphans)) {
        LOG.info("resuming {} of {} attempt {}", job.phase(), job.deploymentId(), job.attempt());
        start(job);
      }
    } catch (DatabaseException e) {
      LOG.warn("job recovery cannot reach the database: {}", e.getMessage());
    }
  }

  private List<PhaseJob> claimOrphans(Connection tx) throws SQLException {
    try (PreparedStatement claim = tx.prepareStatement(
        "update phase_jobs set lease_until = ? where (deployment_id, phase, attempt) in ("
            + " select deployment_id, phase, attempt from phase_jobs"
            + " where status = 'RUNNING' and lease_until < ? limit 20 for update skip locked)"
            + " returning deployment_id, phase, attempt, deadline")) {
      Instant now = clock.instant();
      claim.setTimestamp(1, Timestamp.from(now.plus(lease)));
      claim.setTimestamp(2, Timestamp.from(now));
      List<PhaseJob> jobs = new ArrayList<>();
      try (ResultSet rows = claim.executeQuery()) {
        while (rows.next()) {
          jobs.add(new PhaseJob(rows.getObject(1, UUID.class), PhaseNames.parse(rows.getString(2)), rows.getInt(3),
              rows.getTimestamp(4).toInstant()));
        }
      }
      return jobs;
    }
  }

  private void renew(PhaseJob job) {
    try {
      transactions.read(c -> {
        try (PreparedStatement update = c.prepareStatement(
            "update phase_jobs set lease_until = ? where deployment_id = ? and phase = ? and attempt = ?")) {
          update.setTimestamp(1, Timestamp.from(clock.instant().plus(lease)));
          update.setObject(2, job.deploymentId());
          update.setString(3, PhaseNames.of(job.phase()));
          update.setInt(4, job.attempt());
          return update.executeUpdate();
        }
      });
    } catch (DatabaseException e) {
      LOG.warn("cannot renew the lease of {} {}: {}", job.phase(), job.deploymentId(), e.getMessage());
    }
  }

  private void finish(PhaseJob job, String status, String summary) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement update = tx.prepareStatement(
          "update phase_jobs set status = ?, summary = ?, finished_at = ?"
              + " where deployment_id = ? and phase = ? and attempt = ?")) {
        update.setString(1, status);
        update.setString(2, summary);
        update.setTimestamp(3, Timestamp.from(clock.instant()));
        update.setObject(4, job.deploymentId());
        update.setString(5, PhaseNames.of(job.phase()));
        update.setInt(6, job.attempt());
        return update.executeUpdate();
      }
    });
  }

}
