package dev.slipway.platform.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;

/** A failure of the service's own PostgreSQL database. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(SQLException cause) {
    super("database: " + cause.getMessage(), cause);
  }

  /**
   * Whether the same statement may pass if tried again: the connection failed or was refused, the
   * server is shutting down or out of resources, a serialization failure, a deadlock, a lock or
   * statement timeout. Data and constraint errors (classes 22, 23), like anything else, fail the
   * same way every time.
   */
  public boolean isTransient() {
    SQLException cause = (SQLException) getCause();
    if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
      return true;
    }
    String state = cause.getSQLState();
    if (state == null) {
      // No answer from the server at all (a pool that timed out, an I/O error).
      return true;
    }
    return state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57P")
        || state.equals("40001")
        || state.equals("40P01")
        || state.equals("55P03")
        || state.equals("57014");
  }

  /**
   * The database failure behind {@code failure}: itself, or the driver's exception that a framework
   * (Micronaut Data, its transaction manager) wrapped; empty when no database failed.
   */
  public static Optional<DatabaseException> behind(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DatabaseException db) {
        return Optional.of(db);
      }
      if (cause instanceof SQLException sql) {
        return Optional.of(new DatabaseException(sql));
      }
    }
    return Optional.empty();
  }

  /** The SQLSTATE, e.g. 23505 for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
