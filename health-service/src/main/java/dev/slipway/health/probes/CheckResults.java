package dev.slipway.health.probes;

import dev.slipway.health.domain.Observation;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.worker.PhaseJob;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The {@code check_results} table: every observation, kept as health history. */
@Singleton
public class CheckResults {
  private final Transactions transactions;

  public CheckResults(Transactions transactions) {
    this.transactions = transactions;
  }

  public void record(PhaseJob job, int round, List<Observation> observations, boolean counted, Instant at) {
    transactions.inTransaction(tx -> {
      try (PreparedStatement insert = tx.prepareStatement(
          "insert into check_results (deployment_id, phase, attempt, round, check_name, passed, detail, latency_ms,"
              + " counted, checked_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Observation o : observations) {
          insert.setObject(1, job.deploymentId());
          insert.setString(2, PhaseNames.of(job.phase()));
          insert.setInt(3, job.attempt());
          insert.setInt(4, round);
          insert.setString(5, o.check());
          insert.setBoolean(6, o.passed());
          insert.setString(7, o.detail());
          insert.setInt(8, (int) Math.min(Integer.MAX_VALUE, o.latencyMillis()));
          insert.setBoolean(9, counted);
          insert.setTimestamp(10, Timestamp.from(at));
          insert.addBatch();
        }
        return insert.executeBatch();
      }
    });
  }
}
