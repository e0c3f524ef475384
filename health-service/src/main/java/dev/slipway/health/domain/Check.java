package dev.slipway.health.domain;

import java.util.Map;

/** One health check of a target. */
public sealed interface Check {
  /** A name for reports, e.g. {@code http http://127.0.0.1:5000/health}. */
  String name();

  /** GET a URL; expect a status and, optionally, JSON fields with given values. */
  record Http(String name, String url, int expectStatus, Map<String, String> expectJson)
      implements Check {}

  /** Open a TCP connection. */
  record Tcp(String name, String host, int port) implements Check {}
}
