package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code step_logs} table: output of local steps, a row a line. */
@Singleton
public class StepLogs {
  static final int MAX_LINES = 10_000;
  private static final int MAX_LINE = 4_000;
  private final Transactions transactions;
  private final Clock clock;

  public StepLogs(Transactions transactions, Clock clock) {
    this.transactions = transactions;
    this.clock = clock;
  }

  public void append(UUID deploymentId, Phase phase, int attempt, int firstLineNo, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    transactions.inTransaction(
        tx -> {
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "insert into step_logs (deployment_id, phase, attempt, line_no, line, logged_at)"
                      + " values (?, ?, ?, ?, ?, ?)")) {
            int lineNo = firstLineNo;
            for (String line : lines) {
              insert.setObject(1, deploymentId);
              insert.setString(2, phase.name());
              insert.setInt(3, attempt);
              insert.setInt(4, lineNo++);
              insert.setString(5, line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
              insert.setTimestamp(6, Timestamp.from(clock.instant()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  public List<String> lines(Connection c, UUID deploymentId, String phase, int attempt) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select line from step_logs where deployment_id = ? and phase = ? and attempt = ? order by line_no")) {
      select.setObject(1, deploymentId);
      select.setString(2, phase);
      select.setInt(3, attempt);
      try (ResultSet rows = select.executeQuery()) {
        List<String> lines = new ArrayList<>();
        while (rows.next()) {
          lines.add(rows.getString(1));
        }
        return lines;
      }
    }
  }
}
