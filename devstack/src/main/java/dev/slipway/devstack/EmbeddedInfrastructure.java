package dev.slipway.devstack;

import java.nio.file.Path;

/**
 * A real PostgreSQL (with the database {@code slipway}) and a real KRaft Kafka broker in this JVM:
 * what {@code ./slipway dev} and {@code ./slipway bench} run the services against.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {
  private final EmbeddedPostgresServer postgres;
  private final EmbeddedKafkaBroker kafka;

  private EmbeddedInfrastructure(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
  }

  /** Starts both; PostgreSQL keeps its data under {@code workDir/postgres}. */
  public static EmbeddedInfrastructure start(Path workDir) throws Exception {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(workDir.resolve("postgres"));
    try {
      EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
      postgres.createDatabase("slipway");
      return new EmbeddedInfrastructure(postgres, kafka);
    } catch (Exception e) {
      postgres.close();
      throw e;
    }
  }

  public EmbeddedPostgresServer postgres() {
    return postgres;
  }

  /** What the services connect to: the database {@code slipway} as postgres, and the broker. */
  public Infrastructure infrastructure() {
    return new Infrastructure(
        postgres.jdbcUrl("slipway"), "postgres", "", kafka.bootstrapServers());
  }

  @Override
  public void close() throws Exception {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}
