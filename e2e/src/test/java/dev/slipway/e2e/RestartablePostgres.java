package dev.slipway.e2e;

import dev.slipway.devstack.Stack;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of a test's own that it can restart: stopped (fast shutdown: every session
 * ends) and started again on the same port and data directory.
 */
final class RestartablePostgres implements AutoCloseable {
  private final Path data;
  private final int port;
  private EmbeddedPostgres server;

  RestartablePostgres(Path data) throws IOException {
    this.data = data;
    this.port = Stack.freePort();
    this.server = start(data, port);
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly));
  }

  private static EmbeddedPostgres start(Path data, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setServerConfig("max_connections", "300")
        .start();
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
        Statement statement = c.createStatement()) {
      statement.execute("create database " + name);
    }
  }

  synchronized void restart() throws IOException {
    server.close();
    server = start(data, port);
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      System.err.println("stopping the fault suite's PostgreSQL: " + e);
    }
  }
}
