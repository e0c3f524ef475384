package dev.slipway.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one JDBC transaction: committed when it returns, rolled back when it throws. */
public final class Transactions {
  private final DataSource dataSource;

  public Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The pool itself, for plumbing that keeps a connection of its own (a lock's session, LISTEN). */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Work done inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public <T> T inTransaction(Work<T> work) {
    return transaction(work, false);
  }

  /**
   * Reads in a transaction of its own that PostgreSQL keeps read-only: a statement that would write
   * fails (SQLSTATE 25006) instead of slipping in under a name that says it only reads.
   */
  public <T> T read(Work<T> work) {
    return transaction(work, true);
  }

  private <T> T transaction(Work<T> work, boolean readOnly) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(readOnly);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }
}
