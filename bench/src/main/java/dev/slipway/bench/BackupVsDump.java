package dev.slipway.bench;

import dev.slipway.devstack.EmbeddedPostgresServer;
import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.BackupSpec;
import dev.slipway.proto.v1.DeploymentStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A release's backup of a PostgreSQL database against {@code pg_dump -Fc} of the same database run
 * by hand, one after the other, each several times: the BACKUP phase as the orchestrator recorded
 * it (the job's event, the worker's checks and row counts, the dump streamed through its checksum,
 * the report back) against the dump alone.
 */
final class BackupVsDump {
  private static final String APP = "bench-backup";
  private static final String DATABASE = "bench_backup";

  /** A row of filler: 192 characters of hex, about 250 bytes on disk with its header. */
  private static final int ROW_BYTES = 250;

  private BackupVsDump() {}

  static void measure(
      Slipway slipway,
      EmbeddedPostgresServer postgres,
      Connection slipwayDb,
      Path workDir,
      long megabytes,
      int runs,
      Report report)
      throws Exception {
    postgres.createDatabase(DATABASE);
    long size = fill(postgres.jdbcUrl(DATABASE), megabytes * 1024 * 1024 / ROW_BYTES);
    slipway.target(
        Slipway.spec(APP, List.of("/bin/true"))
            .setBackup(
                BackupSpec.newBuilder()
                    .setKeep(1)
                    .addItems(
                        BackupItem.newBuilder()
                            .setType("postgres")
                            .setUrl(
                                "postgresql://postgres@127.0.0.1:"
                                    + postgres.port()
                                    + "/"
                                    + DATABASE))));
    Latencies raw = new Latencies();
    Latencies phase = new Latencies();
    Path dump = workDir.resolve("raw.dump");
    for (int run = 0; run < runs; run++) {
      raw.add(pgDump(postgres.port(), dump));
      Files.delete(dump);
      phase.add(backupPhase(slipway, slipwayDb, "1.0." + run));
    }
    String scenario = "backup of a %d MB database".formatted(size >> 20);
    double rawSeconds = raw.p50() / 1000;
    double phaseSeconds = phase.p50() / 1000;
    report.add(
        scenario, "BACKUP phase, median", phaseSeconds, "s", rawSeconds * 1.1, true, rawSeconds);
    report.add(scenario, "BACKUP / pg_dump -Fc", phaseSeconds / rawSeconds, "×", 1.1, true);
  }

  /** Fills the database with filler rows; returns its size in bytes. */
  private static long fill(String url, long rows) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(
          "create table filler as select g as id, repeat(md5(g::text), 6) as payload"
              + " from generate_series(1, "
              + rows
              + ") g");
      s.execute("vacuum analyze filler");
      try (ResultSet size = s.executeQuery("select pg_database_size(current_database())")) {
        size.next();
        return size.getLong(1);
      }
    }
  }

  /** Nanoseconds that {@code pg_dump -Fc} of the database into a file takes. */
  private static long pgDump(int port, Path file) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process dump =
        new ProcessBuilder(
                "pg_dump",
                "-Fc",
                "--no-password",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                DATABASE,
                "-f",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!dump.waitFor(10, TimeUnit.MINUTES) || dump.exitValue() != 0) {
      dump.destroyForcibly();
      throw new IllegalStateException("pg_dump -Fc of " + DATABASE + " failed");
    }
    return System.nanoTime() - started;
  }

  /** Nanoseconds of a release's BACKUP phase, as the orchestrator recorded it. */
  private static long backupPhase(Slipway slipway, Connection db, String version) throws Exception {
    String id = slipway.create(APP, version).getId();
    DeploymentStatus ended = slipway.awaitFinished(id);
    if (ended != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
      throw new IllegalStateException("the release with a backup " + id + " ended " + ended);
    }
    try (PreparedStatement query =
        db.prepareStatement(
            "select 1e9 * extract(epoch from finished_at - started_at) from orchestrator.phases"
                + " where deployment_id = ?::uuid and phase = 'BACKUP' and outcome = 'SUCCEEDED'")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("release " + id + " has no successful BACKUP phase");
        }
        return row.getLong(1);
      }
    }
  }
}
