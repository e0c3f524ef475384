package dev.slipway.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL 15 server run from binaries on Maven Central; user postgres, no password. */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgresServer start(Path dataDirectory) throws IOException {
    return new EmbeddedPostgresServer(
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300")
            .start());
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port() + "/" + database;
  }

  /** Creates a database owned by the superuser. */
  public void createDatabase(String name) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement statement = c.createStatement()) {
      statement.execute("create database " + name);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
