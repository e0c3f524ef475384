package dev.slipway.health.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** One health check of a target, with its secrets resolved. */
public sealed interface Check {
  /** A name for reports, e.g. {@code http http://127.0.0.1:5000/health}. */
  String name();

  /**
   * Call a URL; expect a status and, optionally, JSON fields with given values and a body that
   * matches a pattern. Header values may be secrets: they are never reported.
   *
   * @param caFile a PEM CA to trust for https, or empty for the JVM's trust store
   */
  record Http(
      String name,
      String url,
      String method,
      Map<String, String> headers,
      int expectStatus,
      Map<String, String> expectJson,
      Optional<Pattern> bodyRegex,
      String caFile)
      implements Check {
    /** A GET with no headers, body pattern or CA. */
    public Http(String name, String url, int expectStatus, Map<String, String> expectJson) {
      this(name, url, "GET", Map.of(), expectStatus, expectJson, Optional.empty(), "");
    }

    /** Whether the body must be read to decide. */
    public boolean readsBody() {
      return !expectJson.isEmpty() || bodyRegex.isPresent();
    }
  }

  /** Open a TCP connection. */
  record Tcp(String name, String host, int port) implements Check {}

  /** Ask a server's {@code grpc.health.v1.Health} for a service (empty: the whole server). */
  record Grpc(String name, String host, int port, String service, boolean tls, String caFile)
      implements Check {}

  /** Run a program; exit 0 passes. */
  record Command(String name, List<String> argv) implements Check {}

  /** Connect to PostgreSQL and, optionally, compare the first value of a read-only query. */
  record Postgres(
      String name,
      String host,
      int port,
      String database,
      String user,
      String password,
      String query,
      String expectValue)
      implements Check {}
}
