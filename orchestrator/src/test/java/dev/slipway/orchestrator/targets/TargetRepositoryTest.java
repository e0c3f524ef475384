package dev.slipway.orchestrator.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import io.micronaut.context.ApplicationContext;
import java.sql.ResultSet;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's own wiring on a real PostgreSQL: a Micronaut Data repository called inside
 * {@link Transactions} work is part of that transaction, commits and rolls back with the work's own
 * statements, and is read-only inside a read.
 */
class TargetRepositoryTest {
  private static ApplicationContext context;
  private static Transactions transactions;
  private static TargetRepository targets;

  @BeforeAll
  static void start() throws Exception {
    context = OrchestratorFixtures.context("targets");
    transactions = context.getBean(Transactions.class);
    targets = context.getBean(TargetRepository.class);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void aRepositoryWriteInsideTheWorkRollsBackWithIt() {
    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    c -> {
                      targets.upsert("joined", "qa", "{}", Instant.now());
                      try (ResultSet row =
                          c.createStatement()
                              .executeQuery("select count(*) from targets where app = 'joined'")) {
                        row.next();
                        assertThat(row.getInt(1))
                            .as("the work's own connection sees the repository's row")
                            .isEqualTo(1);
                      }
                      throw new IllegalStateException("the outbox insert failed");
                    }))
        .hasMessage("the outbox insert failed");

    assertThat(targets.find("joined", "qa")).as("rolled back with the work").isEmpty();
  }

  @Test
  void aRepositoryWriteAndAStatementOfTheWorkCommitTogether() {
    transactions.inTransaction(
        c -> {
          targets.upsert(
              "together", "qa", "{\"app\":\"together\",\"environment\":\"qa\"}", Instant.now());
          return c.createStatement()
              .executeUpdate(
                  "update targets set current_version = '1.0.0' where app = 'together' and environment = 'qa'");
        });

    StoredTarget stored = targets.find("together", "qa").orElseThrow();
    assertThat(stored.currentVersion()).isEqualTo("1.0.0");
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(stored.spec().getApp()).isEqualTo("together");
  }

  @Test
  void aRepositoryWriteInsideAReadFails() {
    assertThatThrownBy(
            () ->
                transactions.read(
                    c -> {
                      targets.upsert("sneaky", "qa", "{}", Instant.now());
                      return null;
                    }))
        .isInstanceOfSatisfying(
            DatabaseException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
    assertThat(targets.find("sneaky", "qa")).isEmpty();
  }
}
