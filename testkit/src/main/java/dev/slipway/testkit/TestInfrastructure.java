package dev.slipway.testkit;

import dev.slipway.devstack.EmbeddedKafkaBroker;
import dev.slipway.devstack.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One PostgreSQL server and one Kafka broker per test JVM, found in this order:
 *
 * <ol>
 *   <li>environment variables: {@code SLIPWAY_TEST_PG_URL} (a JDBC URL of a database whose user may
 *       create databases), {@code SLIPWAY_TEST_PG_USER}, {@code SLIPWAY_TEST_PG_PASSWORD}; {@code
 *       SLIPWAY_TEST_KAFKA_BOOTSTRAP};
 *   <li>Testcontainers, when a Docker engine answers;
 *   <li>the embedded ones of devstack (zonky PostgreSQL 15, a KRaft broker in this JVM).
 * </ol>
 *
 * Tests create their own databases with {@link #createDatabase}, so runs never share state.
 */
public final class TestInfrastructure {
  private static TestInfrastructure shared;

  private final String adminJdbcUrl;
  private final String user;
  private final String password;
  private final String kafkaBootstrap;

  private TestInfrastructure(
      String adminJdbcUrl, String user, String password, String kafkaBootstrap) {
    this.adminJdbcUrl = adminJdbcUrl;
    this.user = user;
    this.password = password;
    this.kafkaBootstrap = kafkaBootstrap;
  }

  /** The JVM-wide infrastructure, started on first use and stopped when the JVM exits. */
  public static synchronized TestInfrastructure shared() throws Exception {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  private static TestInfrastructure start() throws Exception {
    String pgUrl = System.getenv("SLIPWAY_TEST_PG_URL");
    String kafka = System.getenv("SLIPWAY_TEST_KAFKA_BOOTSTRAP");
    if (pgUrl != null && kafka != null) {
      return new TestInfrastructure(
          pgUrl,
          env("SLIPWAY_TEST_PG_USER", "postgres"),
          env("SLIPWAY_TEST_PG_PASSWORD", ""),
          kafka);
    }
    if (dockerAnswers()) {
      PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:15-alpine");
      KafkaContainer broker = new KafkaContainer("apache/kafka:3.9.1");
      postgres.start();
      broker.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    broker.stop();
                    postgres.stop();
                  }));
      return new TestInfrastructure(
          postgres.getJdbcUrl(),
          postgres.getUsername(),
          postgres.getPassword(),
          broker.getBootstrapServers());
    }
    Path data = Files.createTempDirectory("slipway-test-pg");
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    broker.close();
                    postgres.close();
                  } catch (Exception e) {
                    System.err.println("stopping test infrastructure: " + e);
                  }
                }));
    return new TestInfrastructure(
        postgres.jdbcUrl("postgres"), "postgres", "", broker.bootstrapServers());
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Creates a fresh database named {@code prefix_<random>} and returns its JDBC URL. */
  public String createDatabase(String prefix) throws SQLException {
    String name =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(adminJdbcUrl, user, password);
        Statement statement = c.createStatement()) {
      statement.execute("create database " + name);
    }
    return adminJdbcUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + name);
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }
}
