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

  public void append(
      UUID deploymentId, Phase phase, int attempt, int firstLineNo, List<String> lines) {
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
              insert.setString(
                  5, line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
              insert.setTimestamp(6, Timestamp.from(clock.instant()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  /** One stored line of output. */
  public record Line(int lineNo, String text) {}

  /** The last {@code count} lines of a phase attempt, oldest first. */
  public List<String> tail(Connection c, UUID deploymentId, String phase, int attempt, int count)
      throws SQLException {
    if (count <= 0) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (Line line :
        query(
            c,
            "select line_no, line from (select line_no, line from step_logs"
                + " where deployment_id = ? and phase = ? and attempt = ? order by line_no desc limit ?) t order by line_no",
            deploymentId,
            phase,
            attempt,
            count)) {
      lines.add(line.text());
    }
    return lines;
  }

  /** How many lines a phase attempt's output has. */
  public int count(Connection c, UUID deploymentId, String phase, int attempt) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "select count(*) from step_logs where deployment_id = ? and phase = ? and attempt = ?")) {
      select.setObject(1, deploymentId);
      select.setString(2, phase);
      select.setInt(3, attempt);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  /**
   * Up to {@code size} lines after line {@code afterLine}; one more is read to tell whether more
   * exist.
   */
  public List<Line> page(
      Connection c, UUID deploymentId, String phase, int attempt, int afterLine, int size)
      throws SQLException {
    return query(
        c,
        "select line_no, line from step_logs where deployment_id = ? and phase = ? and attempt = ?"
            + " and line_no > ? order by line_no limit ?",
        deploymentId,
        phase,
        attempt,
        afterLine,
        size + 1);
  }

  private static List<Line> query(
      Connection c, String sql, UUID deploymentId, String phase, Object... more)
      throws SQLException {
    try (PreparedStatement select = c.prepareStatement(sql)) {
      select.setObject(1, deploymentId);
      select.setString(2, phase);
      for (int i = 0; i < more.length; i++) {
        select.setObject(3 + i, more[i]);
      }
      try (ResultSet rows = select.executeQuery()) {
        List<Line> lines = new ArrayList<>();
        while (rows.next()) {
          lines.add(new Line(rows.getInt(1), rows.getString(2)));
        }
        return lines;
      }
    }
  }
}
