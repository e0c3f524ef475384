package dev.slipway.bench;

import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.ListDeploymentsRequest;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * GetDeployment of a real release (phases, logs, evidence) and ListDeployments pages, with {@code
 * history} more finished deployments copied into the table.
 */
final class HistoryReads {
  private static final int CALLS = 500;
  private static final int BATCH = 100_000;

  private HistoryReads() {}

  static void measure(Slipway slipway, Connection db, int history, Report report) throws Exception {
    List<String> real = ids(db);
    copy(db, real.getFirst(), history);
    Random random = new Random(42);
    Latencies get = new Latencies();
    Latencies list = new Latencies();
    for (int call = -50; call < CALLS; call++) {
      String id = real.get(random.nextInt(real.size()));
      long started = System.nanoTime();
      slipway.deployments.getDeployment(
          GetDeploymentRequest.newBuilder().setDeploymentId(id).build());
      if (call >= 0) {
        get.add(System.nanoTime() - started);
      }
    }
    String token = "";
    for (int call = -50; call < CALLS; call++) {
      long started = System.nanoTime();
      ListDeploymentsResponse page =
          slipway.deployments.listDeployments(
              ListDeploymentsRequest.newBuilder().setPageSize(50).setPageToken(token).build());
      if (call >= 0) {
        list.add(System.nanoTime() - started);
      }
      // Ten pages deep, then from the top again: the keyset pages a reader would turn.
      token = call % 10 == 9 ? "" : page.getNextPageToken();
    }
    String scenario = "history of %,d deployments".formatted(history + real.size());
    report.add(scenario, "GetDeployment p99", get.p99(), "ms", 5, true);
    report.add(scenario, "ListDeployments p99", list.p99(), "ms", 20, true);
  }

  private static List<String> ids(Connection db) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Statement query = db.createStatement();
        ResultSet rows =
            query.executeQuery(
                "select id from orchestrator.deployments where app = '"
                    + NoopRelease.APP
                    + "' and finished_at is not null")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("no finished no-op release to read");
    }
    return ids;
  }

  /**
   * Copies a finished deployment's row, older each time, under a target of its own: one plain
   * {@code insert ... select} per batch over the table's own columns.
   */
  private static void copy(Connection db, String from, int copies) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Statement query = db.createStatement();
        ResultSet rows =
            query.executeQuery(
                "select column_name from information_schema.columns where table_schema ="
                    + " 'orchestrator' and table_name = 'deployments' order by ordinal_position")) {
      while (rows.next()) {
        columns.add(rows.getString(1));
      }
    }
    String values =
        String.join(
            ", ",
            columns.stream()
                .map(
                    column ->
                        switch (column) {
                          case "id" -> "gen_random_uuid()";
                          case "app" -> "'bench-history'";
                          case "idempotency_key" -> "gen_random_uuid()::text";
                          case "created_at", "updated_at" -> "d.created_at - n * interval '1 ms'";
                          default -> "d." + column;
                        })
                .toList());
    try (PreparedStatement insert =
        db.prepareStatement(
            "insert into orchestrator.deployments (%s) select %s from orchestrator.deployments d,"
                    .formatted(String.join(", ", columns), values)
                + " generate_series(?::int, ?::int) n where d.id = ?::uuid")) {
      for (int start = 1; start <= copies; start += BATCH) {
        insert.setInt(1, start);
        insert.setInt(2, Math.min(copies, start + BATCH - 1));
        insert.setString(3, from);
        insert.executeUpdate();
      }
    }
    try (Statement analyze = db.createStatement()) {
      analyze.execute("analyze orchestrator.deployments");
    }
  }
}
