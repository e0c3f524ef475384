package dev.slipway.bench;

import dev.slipway.proto.v1.DeploymentStatus;
import java.util.List;

/** CreateDeployment → SUCCEEDED seen by WatchDeployment, for a release that only runs /bin/true. */
final class NoopRelease {
  static final String APP = "bench-noop";
  private static final int WARMUP = 10;

  private NoopRelease() {}

  static Latencies measure(Slipway slipway, int runs) {
    slipway.target(APP, List.of("/bin/true"));
    Latencies latencies = new Latencies();
    for (int run = 0; run < WARMUP + runs; run++) {
      long started = System.nanoTime();
      String id = slipway.create(APP, "1.0." + run).getId();
      DeploymentStatus ended = slipway.awaitFinished(id);
      long took = System.nanoTime() - started;
      if (ended != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
        throw new IllegalStateException("no-op release " + id + " ended " + ended);
      }
      if (run >= WARMUP) {
        latencies.add(took);
      }
    }
    return latencies;
  }

  /** Where a release's time goes, as the orchestrator recorded it: medians over the runs. */
  static void breakdown(java.sql.Connection db, Report report) throws java.sql.SQLException {
    try (java.sql.Statement query = db.createStatement();
        java.sql.ResultSet row =
            query.executeQuery(
                """
                select percentile_cont(0.5) within group (order by ms(p.started_at - d.created_at)),
                  percentile_cont(0.5) within group (order by ms(p.finished_at - p.started_at)),
                  percentile_cont(0.5) within group (order by ms(d.finished_at - d.created_at))
                from orchestrator.deployments d
                join orchestrator.phases p on p.deployment_id = d.id and p.phase = 'DEPLOY'
                where d.app = '%s'"""
                    .formatted(APP)
                    .replace("ms(", "1000 * extract(epoch from "))) {
      row.next();
      report.note(
          "no-op release, medians as recorded: created → DEPLOY started %.1f ms, DEPLOY step %.1f ms, created → finished %.1f ms"
              .formatted(row.getDouble(1), row.getDouble(2), row.getDouble(3)));
    }
  }

  static void report(Report report, int runs, Latencies release, Latencies baseline) {
    String scenario = "no-op release, idle, " + runs + " runs";
    report.add(scenario, "p50", release.p50(), "ms", 20, true, baseline.p50());
    report.add(scenario, "p99", release.p99(), "ms", 50, true, baseline.p99());
    report.add(scenario, "p50 / baseline p50", release.p50() / baseline.p50(), "×", 3, true);
    report.note(
        "baseline per run: %d unary gRPC calls, %d PostgreSQL commits, one spawn of /bin/true"
            .formatted(RawBaseline.UNARY_CALLS, RawBaseline.COMMITS));
  }
}
