package dev.slipway.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * Commit → received by all three workers: for each event of the no-op releases, from the time the
 * orchestrator wrote it to the latest of the three workers' inbox commits. Both clocks are this
 * machine's.
 */
final class FanOut {
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private FanOut() {}

  static void measure(Connection slipway, Report report) throws Exception {
    long events = count(slipway, "select count(*) from orchestrator.events e" + OF_APP);
    long deadline = System.nanoTime() + SETTLE.toNanos();
    long received;
    while ((received = count(slipway, "select count(*)" + RECEIVED)) < events
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (received < events) {
      throw new IllegalStateException(
          "only %d of %d events reached all three workers within %s"
              .formatted(received, events, SETTLE));
    }
    Latencies latencies = new Latencies();
    Latencies relayed = new Latencies();
    Latencies consumed = new Latencies();
    try (PreparedStatement query =
            slipway.prepareStatement(
                "select 1e9 * extract(epoch from "
                    + LAST_INBOX
                    + " - e.created_at),"
                    + " 1e9 * extract(epoch from e.published_at - e.created_at),"
                    + " 1e9 * extract(epoch from "
                    + LAST_INBOX
                    + " - e.published_at)"
                    + RECEIVED);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        latencies.add(Math.max(0, rows.getLong(1)));
        relayed.add(Math.max(0, rows.getLong(2)));
        consumed.add(Math.max(0, rows.getLong(3)));
      }
    }
    String scenario = "event fan-out to 3 workers, " + latencies.count() + " events";
    report.add(scenario, "p50", latencies.p50(), "ms", 10, true);
    report.add(scenario, "p99", latencies.p99(), "ms", 10, true);
    report.note(
        ("event fan-out, p50 / p99: written → marked published by the relay %.1f / %.1f ms,"
                + " marked published → the last worker's inbox commit %.1f / %.1f ms")
            .formatted(relayed.p50(), relayed.p99(), consumed.p50(), consumed.p99()));
  }

  private static final String LAST_INBOX =
      "greatest(b.processed_at, h.processed_at, n.processed_at)";
  private static final String OF_APP =
      " join orchestrator.deployments d on d.id = e.deployment_id and d.app = '"
          + NoopRelease.APP
          + "'";
  private static final String RECEIVED =
      " from orchestrator.events e"
          + OF_APP
          + " join backup.inbox b on b.event_id = e.event_id"
          + " join health.inbox h on h.event_id = e.event_id"
          + " join notifier.inbox n on n.event_id = e.event_id";

  private static long count(Connection c, String sql) throws Exception {
    try (PreparedStatement query = c.prepareStatement(sql);
        ResultSet row = query.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
