package dev.slipway.devstack.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The demo application Slipway deploys: a tiny journal over HTTP with its own PostgreSQL database.
 * {@code /health} answers 200 {"status":"ok"} when the schema this version needs is there; version
 * 2.0.0 needs a table its migration never creates, so it reports itself broken.
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> options = DemoControl.options(args);
    String version = options.get("version");
    String db = options.get("db");
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress("127.0.0.1", Integer.parseInt(options.get("port"))), 50);
    server.createContext("/health", exchange -> health(exchange, db, version));
    server.createContext("/", exchange -> entries(exchange, db, version));
    server.start();
    System.out.println("journal " + version + " listening on " + server.getAddress());
  }

  private static void health(HttpExchange exchange, String db, String version) throws IOException {
    String table = DemoControl.requiredTable(version);
    try (Connection c = DriverManager.getConnection(db);
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
      rows.next();
      respond(
          exchange,
          200,
          "{\"status\":\"ok\",\"version\":\""
              + version
              + "\",\"entries\":"
              + rows.getLong(1)
              + "}");
    } catch (SQLException e) {
      respond(
          exchange,
          503,
          "{\"status\":\"error\",\"version\":\""
              + version
              + "\",\"detail\":\""
              + e.getMessage().replace("\"", "'").replace("\n", " ")
              + "\"}");
    }
  }

  private static void entries(HttpExchange exchange, String db, String version) throws IOException {
    StringBuilder body = new StringBuilder("journal " + version + "\n");
    try (Connection c = DriverManager.getConnection(db);
        Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                // 2.1.0's page asks for a column that no migration adds: healthy, but broken.
                "2.1.0".equals(version)
                    ? "select id, title, summary from entries order by id"
                    : "select id, title from entries order by id")) {
      while (rows.next()) {
        body.append(rows.getInt(1)).append(". ").append(rows.getString(2)).append('\n');
      }
      respond(exchange, 200, body.toString());
    } catch (SQLException e) {
      respond(exchange, 500, "cannot read entries: " + e.getMessage());
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("content-type", body.startsWith("{") ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
