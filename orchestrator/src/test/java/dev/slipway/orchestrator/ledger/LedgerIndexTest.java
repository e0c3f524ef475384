package dev.slipway.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.platform.db.Transactions;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.annotation.Query;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger page costs one index range scan however long the history: 100,000 entries are loaded,
 * and the plan of the repository's own page query is read for the first page and a deep one.
 */
class LedgerIndexTest {
  private static final int ENTRIES = 100_000;
  private static ApplicationContext context;
  private static Transactions transactions;
  private static Ledger ledger;

  @BeforeAll
  static void load() throws Exception {
    context = OrchestratorFixtures.context("ledger");
    transactions = context.getBean(Transactions.class);
    ledger = context.getBean(Ledger.class);
    transactions.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            // 100 targets of 1,000 releases each, one release a minute.
            s.execute(
                """
                insert into deployments (id, app, environment, kind, version, previous_version,
                  requested_by, target_revision, spec_json, status, attempt, reason, last_sequence,
                  backup_taken, idempotency_key, created_at, updated_at)
                select ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid,
                  'app-' || mod(n, 100), 'prod', 'DEPLOY', '1.0.' || n, '', 'ci', 1, '{}',
                  'SUCCEEDED', 1, '', 4, false, 'bulk-' || n,
                  timestamptz '2026-01-01' + n * interval '1 minute', now()
                from generate_series(1, %d) n"""
                    .formatted(ENTRIES));
            s.execute(
                """
                insert into ledger (app, environment, version, deployment_id, arrived, deployed_by,
                  since, until, left_how, health_since)
                select 'app-' || mod(n, 100), 'prod', '1.0.' || n,
                  ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, 'deploy', 'ci',
                  timestamptz '2026-01-01' + n * interval '1 minute',
                  case when n > %d then null
                    else timestamptz '2026-01-01' + (n + 100) * interval '1 minute' end,
                  case when n > %d then '' else 'replaced' end,
                  timestamptz '2026-01-01' + n * interval '1 minute'
                from generate_series(1, %d) n"""
                    .formatted(ENTRIES - 100, ENTRIES - 100, ENTRIES));
            s.execute("analyze deployments");
            s.execute("analyze ledger");
          }
          return null;
        });
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void theFirstPageAndADeepPageAreBothOneIndexRangeScan() throws Exception {
    String sql = pageQuery();
    String first =
        plan(sql, "app-7", "prod", Instant.parse("9999-12-31T00:00:00Z"), Long.MAX_VALUE);
    String deep = plan(sql, "app-7", "prod", Instant.parse("2026-01-20T00:00:00Z"), 27_000);
    for (String plan : List.of(first, deep)) {
      assertThat(plan)
          .as(plan)
          .contains("Index Scan")
          .contains("ledger_of_target_newest_first")
          .doesNotContain("Seq Scan")
          .doesNotContain("Sort");
      assertThat(plan.lines().filter(line -> line.contains("Index Cond")))
          .as("the cursor bounds the scan, not a filter after it: " + plan)
          .singleElement()
          .satisfies(
              line -> assertThat(line).contains("since").contains("app").contains("environment"));
      assertThat(plan).doesNotContain("Filter");
    }
  }

  @Test
  void pagesWalkATargetsWholeHistoryNewestFirstWithNothingMissedOrRepeated() {
    List<LedgerRow> seen = new ArrayList<>();
    String token = "";
    do {
      Ledger.Page page = ledger.page("app-42", "prod", 300, token);
      page.entries().forEach(e -> seen.add(e.row()));
      token = page.nextPageToken();
    } while (!token.isEmpty());
    assertThat(seen).hasSize(ENTRIES / 100);
    assertThat(seen.stream().map(LedgerRow::id)).doesNotHaveDuplicates();
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i - 1).since()).isAfter(seen.get(i).since());
    }
    assertThat(seen.getFirst().until()).as("the newest entry runs now").isNull();
    assertThat(seen.getFirst().deploymentId())
        .isEqualTo(UUID.fromString("00000000-0000-0000-0000-000000099942"));
  }

  /** The SQL the repository runs, with its named parameters as JDBC placeholders. */
  private static String pageQuery() throws NoSuchMethodException {
    String query =
        LedgerRepository.class
            .getMethod("page", String.class, String.class, Instant.class, long.class, int.class)
            .getAnnotation(Query.class)
            .value();
    return query.replaceAll(":[a-zA-Z]+", "?");
  }

  private static String plan(String sql, String app, String environment, Instant since, long id)
      throws SQLException {
    try (Connection c = transactions.dataSource().getConnection();
        var explain = c.prepareStatement("explain " + sql)) {
      explain.setString(1, app);
      explain.setString(2, environment);
      explain.setObject(3, java.sql.Timestamp.from(since));
      explain.setLong(4, id);
      explain.setInt(5, 51);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }
}
