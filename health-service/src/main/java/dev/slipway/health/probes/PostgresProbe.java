package dev.slipway.health.probes;

import dev.slipway.health.domain.Check;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Connects to the app's database with its secret and, when asked, runs a query in a read-only
 * transaction and compares its first value. An unreachable database, a missing table or a wrong
 * value fail the check; a refused password, a query that writes or does not parse mean the check
 * itself cannot run.
 */
final class PostgresProbe {
  private PostgresProbe() {}

  static String check(Check.Postgres check, Duration timeout) throws CouldNotRun {
    int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    Properties properties = new Properties();
    properties.setProperty("user", check.user());
    properties.setProperty("password", check.password());
    properties.setProperty("connectTimeout", Integer.toString(seconds));
    properties.setProperty("loginTimeout", Integer.toString(seconds));
    properties.setProperty("socketTimeout", Integer.toString(seconds + 1));
    properties.setProperty("ApplicationName", "slipway-health-check");
    String url = "jdbc:postgresql://" + check.host() + ":" + check.port() + "/" + check.database();
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      if (check.query().isBlank()) {
        return null;
      }
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(seconds);
        statement.setMaxRows(1);
        try (ResultSet rows = statement.executeQuery(check.query())) {
          if (!rows.next()) {
            return "the query returned no rows";
          }
          String value = rows.getString(1);
          if (!check.expectValue().isEmpty() && !check.expectValue().equals(value)) {
            return "the query returned '" + value + "' (expected '" + check.expectValue() + "')";
          }
          return null;
        } finally {
          connection.rollback();
        }
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("28")) {
        throw new CouldNotRun(
            "PostgreSQL refused user '"
                + check.user()
                + "': "
                + firstLine(e)
                + " (check passwordSecret)");
      }
      if (state.equals("25006") || state.equals("42601") || state.equals("42501")) {
        throw new CouldNotRun("the check's query cannot run: " + firstLine(e));
      }
      if (state.startsWith("08") || state.isEmpty()) {
        return "cannot connect to " + check.host() + ":" + check.port() + ": " + firstLine(e);
      }
      if (state.equals("57014")) {
        return "the query did not finish within " + timeout.toMillis() + " ms";
      }
      return firstLine(e) + " (SQLSTATE " + state + ")";
    }
  }

  private static String firstLine(SQLException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
