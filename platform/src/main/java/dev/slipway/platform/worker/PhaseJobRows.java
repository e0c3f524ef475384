package dev.slipway.platform.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Rows of {@code phase_jobs}: every change after the insert is fenced by the lease's owner. */
@Singleton
@Requires(beans = PhaseWorker.class)
public class PhaseJobRows {
  private static final String KEY =
      " deployment_id = ? and phase = ? and attempt = ? and step = ? and lease_owner = ?";
  private final Transactions transactions;

  public PhaseJobRows(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * A job this replica owns now, with the verdict it already reached (null: none yet) and the trace
   * it continues (null: none).
   */
  public record Claimed(
      PhaseJob job, UUID owner, @Nullable ReportStepRequest report, @Nullable String traceparent) {}

  /** Inserts the job in the inbox transaction; false when it exists already. */
  boolean insert(Connection tx, Claimed claimed, Instant now, Instant leaseUntil)
      throws SQLException {
    PhaseJob job = claimed.job();
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into phase_jobs (deployment_id, phase, attempt, deadline, status, summary, lease_until, lease_owner,"
                + " created_at, traceparent, step) values (?, ?, ?, ?, 'RUNNING', '', ?, ?, ?, ?, ?) on conflict do nothing")) {
      insert.setObject(1, job.deploymentId());
      insert.setString(2, PhaseNames.of(job.phase()));
      insert.setInt(3, job.attempt());
      insert.setTimestamp(4, Timestamp.from(job.deadline()));
      insert.setTimestamp(5, Timestamp.from(leaseUntil));
      insert.setObject(6, claimed.owner());
      insert.setTimestamp(7, Timestamp.from(now));
      insert.setString(8, claimed.traceparent());
      insert.setInt(9, job.step());
      return insert.executeUpdate() == 1;
    }
  }

  /** Extends the lease; false when another replica owns the job now, or it is finished. */
  boolean renew(PhaseJob job, UUID owner, Instant until) {
    return transactions.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "update phase_jobs set lease_until = ? where"
                      + KEY
                      + " and status in ('RUNNING', 'REPORTING')")) {
            update.setTimestamp(1, Timestamp.from(until));
            bindKey(update, 2, job, owner);
            return update.executeUpdate() == 1;
          }
        });
  }

  /** Keeps the verdict before it is reported; false when the job is no longer this owner's. */
  boolean storeVerdict(PhaseJob job, UUID owner, ReportStepRequest report) {
    return transactions.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "update phase_jobs set status = 'REPORTING', summary = ?, report = ? where"
                      + KEY
                      + " and status = 'RUNNING'")) {
            update.setString(1, report.getSummary());
            update.setBytes(2, report.toByteArray());
            bindKey(update, 3, job, owner);
            return update.executeUpdate() == 1;
          }
        });
  }

  void finish(PhaseJob job, UUID owner, JobStatus status, String summary, Instant now) {
    transactions.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "update phase_jobs set status = ?, summary = ?, finished_at = ? where" + KEY)) {
            update.setString(1, status.name());
            update.setString(2, summary);
            update.setTimestamp(3, Timestamp.from(now));
            bindKey(update, 4, job, owner);
            return update.executeUpdate();
          }
        });
  }

  /** Takes over up to 20 unfinished jobs whose lease expired, each under a new owner. */
  List<Claimed> claimOrphans(Instant now, Duration lease) {
    return transactions.inTransaction(
        c -> {
          try (PreparedStatement claim =
              c.prepareStatement(
                  "update phase_jobs set lease_until = ?, lease_owner = gen_random_uuid() where (deployment_id, phase, step, attempt)"
                      + " in (select deployment_id, phase, step, attempt from phase_jobs where status in ('RUNNING', 'REPORTING')"
                      + " and lease_until < ? limit 20 for update skip locked)"
                      + " returning deployment_id, phase, attempt, deadline, lease_owner, report, traceparent, step")) {
            claim.setTimestamp(1, Timestamp.from(now.plus(lease)));
            claim.setTimestamp(2, Timestamp.from(now));
            List<Claimed> jobs = new ArrayList<>();
            try (ResultSet rows = claim.executeQuery()) {
              while (rows.next()) {
                PhaseJob job =
                    new PhaseJob(
                        rows.getObject(1, UUID.class),
                        PhaseNames.parse(rows.getString(2)),
                        rows.getInt(3),
                        rows.getTimestamp(4).toInstant(),
                        rows.getInt(8));
                byte[] report = rows.getBytes(6);
                jobs.add(
                    new Claimed(
                        job,
                        rows.getObject(5, UUID.class),
                        report == null ? null : parse(report),
                        rows.getString(7)));
              }
            }
            return jobs;
          }
        });
  }

  private static ReportStepRequest parse(byte[] report) throws SQLException {
    try {
      return ReportStepRequest.parseFrom(report);
    } catch (InvalidProtocolBufferException e) {
      // XX001 (data corrupted): not transient, so it is not retried as a database blip.
      throw new SQLException("a stored verdict cannot be read: " + e.getMessage(), "XX001", e);
    }
  }

  private static void bindKey(PreparedStatement statement, int first, PhaseJob job, UUID owner)
      throws SQLException {
    statement.setObject(first, job.deploymentId());
    statement.setString(first + 1, PhaseNames.of(job.phase()));
    statement.setInt(first + 2, job.attempt());
    statement.setInt(first + 3, job.step());
    statement.setObject(first + 4, owner);
  }
}
