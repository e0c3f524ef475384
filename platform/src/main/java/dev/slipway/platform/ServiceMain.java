package dev.slipway.platform;

import dev.slipway.platform.grpc.ServerTls;
import io.micronaut.runtime.Micronaut;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts a service: its gRPC server (TLS when configured) and its management HTTP server, which
 * answers {@code /health} and {@code /prometheus} and nothing else.
 */
public final class ServiceMain {
  private ServiceMain() {}

  public static void run(Class<?> mainClass, String[] args) {
    Map<String, Object> properties = new HashMap<>(ServerTls.properties());
    properties.putAll(DEFAULTS);
    // No banner: every line of the output is a log line, so JSON logs stay JSON.
    Micronaut.build(args).mainClass(mainClass).banner(false).properties(properties).start();
  }

  private static final Map<String, Object> DEFAULTS =
      Map.of(
          "endpoints.all.enabled", false,
          "endpoints.health.enabled", true,
          "endpoints.health.sensitive", false,
          "endpoints.health.details-visible", "NEVER",
          "endpoints.prometheus.enabled", true,
          "endpoints.prometheus.sensitive", false,
          "micronaut.metrics.export.prometheus.enabled", true,
          "micronaut.metrics.export.prometheus.descriptions", true,
          // At SIGTERM, open streams (deploy --wait) hold the server this long at most: the
          // clients reconnect, and the drain of running work is not delayed.
          "grpc.server.await-termination", "2s");
}
