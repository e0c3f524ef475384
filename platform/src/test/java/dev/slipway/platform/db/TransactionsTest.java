package dev.slipway.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testkit.TestInfrastructure;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Transactions on a real PostgreSQL: what commits, what rolls back, and that a read cannot write.
 */
class TransactionsTest {
  private static Transactions transactions;

  @BeforeAll
  static void database() throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(infrastructure.createDatabase("transactions"));
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    transactions = new Transactions(dataSource);
    transactions.inTransaction(
        c -> c.createStatement().execute("create table notes (text text not null)"));
  }

  @Test
  void aReadThatWouldWriteFailsAndWritesNothing() {
    assertThatThrownBy(
            () ->
                transactions.read(
                    c -> c.createStatement().executeUpdate("insert into notes values ('x')")))
        .isInstanceOfSatisfying(
            DatabaseException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
    assertThat(count("x")).isZero();
  }

  @Test
  void workThatThrowsIsRolledBackWhole() {
    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    c -> {
                      c.createStatement().executeUpdate("insert into notes values ('half')");
                      throw new IllegalStateException("changed my mind");
                    }))
        .hasMessage("changed my mind");
    assertThat(count("half")).isZero();

    transactions.inTransaction(
        c -> c.createStatement().executeUpdate("insert into notes values ('kept')"));
    assertThat(count("kept")).isEqualTo(1);
  }

  private static int count(String text) {
    return transactions.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet row =
                  s.executeQuery("select count(*) from notes where text = '" + text + "'")) {
            row.next();
            return row.getInt(1);
          }
        });
  }
}
