package dev.slipway.platform.db;

import io.micronaut.transaction.TransactionCallback;
import io.micronaut.transaction.TransactionOperations;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work in one JDBC transaction: committed when it returns, rolled back when it throws. In a
 * service the transactions are Micronaut's, so Micronaut Data repositories called inside the work,
 * on its thread, take part in the same transaction as the work's own statements (an outbox row and
 * the repository rows it goes with commit together); a nested call joins the outer transaction.
 * Without a transaction manager (plumbing tests) the work runs on a connection of the pool, and a
 * nested call opens a transaction of its own.
 */
public final class Transactions {
  private final DataSource dataSource;
  private final TransactionOperations<Connection> managed;

  /** Plain JDBC transactions on the pool, for plumbing that runs without Micronaut. */
  public Transactions(DataSource dataSource) {
    this(dataSource, null);
  }

  /** Transactions of Micronaut's manager; {@code pool} is the unwrapped pool behind it. */
  public Transactions(DataSource pool, TransactionOperations<Connection> managed) {
    this.dataSource = pool;
    this.managed = managed;
  }

  /**
   * The pool itself, for plumbing that keeps a connection of its own (a lock's session, LISTEN).
   */
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
    if (managed != null) {
      return managedTransaction(work, readOnly);
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(readOnly);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private <T> T managedTransaction(Work<T> work, boolean readOnly) {
    TransactionCallback<Connection, T> callback =
        status -> {
          try {
            return work.run(status.getConnection());
          } catch (SQLException e) {
            throw new DatabaseException(e);
          }
        };
    try {
      return readOnly ? managed.executeRead(callback) : managed.executeWrite(callback);
    } catch (RuntimeException e) {
      // The manager and the repositories wrap what the driver said (no connection, a failed
      // commit).
      throw DatabaseException.behind(e).<RuntimeException>map(db -> db).orElse(e);
    }
  }
}
