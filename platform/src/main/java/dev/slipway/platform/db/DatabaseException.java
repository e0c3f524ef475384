package dev.slipway.platform.db;

import java.sql.SQLException;

/** A failure of the service's own PostgreSQL database. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(SQLException cause) {
    super("database: " + cause.getMessage(), cause);
  }

  /** The SQLSTATE, e.g. 23505 for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
