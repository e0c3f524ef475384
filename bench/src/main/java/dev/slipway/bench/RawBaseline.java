package dev.slipway.bench;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The hops a no-op release needs, done by hand with no Slipway code: unary gRPC calls to a server
 * in this JVM over loopback, write transactions committed one after another on the same PostgreSQL,
 * and one spawn of the deploy command. Kafka is not on a no-op release's path (its events reach the
 * workers after SUCCEEDED), so the baseline has no Kafka hop.
 */
final class RawBaseline {
  static final int UNARY_CALLS = 2;
  static final int COMMITS = 4;
  private static final int WARMUP = 20;

  private RawBaseline() {}

  static Latencies measure(String jdbcUrl, int runs) throws Exception {
    Server server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create())
            .build();
    try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      try (Statement ddl = db.createStatement()) {
        ddl.execute(
            "create table if not exists baseline (id bigserial primary key, at timestamptz not null)");
      }
      db.setAutoCommit(false);
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      Latencies latencies = new Latencies();
      try (PreparedStatement insert =
          db.prepareStatement("insert into baseline (at) values (now())")) {
        for (int run = 0; run < WARMUP + runs; run++) {
          long started = System.nanoTime();
          for (int call = 0; call < UNARY_CALLS; call++) {
            health.check(HealthCheckRequest.getDefaultInstance());
          }
          for (int commit = 0; commit < COMMITS; commit++) {
            insert.executeUpdate();
            db.commit();
          }
          int exit = new ProcessBuilder("/bin/true").start().waitFor();
          if (exit != 0) {
            throw new IllegalStateException("/bin/true exited with " + exit);
          }
          if (run >= WARMUP) {
            latencies.add(System.nanoTime() - started);
          }
        }
      }
      return latencies;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
