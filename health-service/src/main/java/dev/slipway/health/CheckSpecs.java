package dev.slipway.health;

import dev.slipway.health.domain.Check;
import dev.slipway.platform.spec.PostgresUrl;
import dev.slipway.proto.v1.HealthCheck;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A target spec's checks as the probes run them, with the secrets they name read. */
final class CheckSpecs {
  private CheckSpecs() {}

  /** Reads a secret a check names. */
  public interface Secrets {
    String get(String name) throws InterruptedException;
  }

  static Check check(HealthCheck spec, Secrets secrets) throws InterruptedException {
    return switch (spec.getType()) {
      case "http" -> {
        Map<String, String> headers = new TreeMap<>(spec.getHeadersMap());
        for (Map.Entry<String, String> secret : spec.getSecretHeadersMap().entrySet()) {
          headers.put(secret.getKey(), secrets.get(secret.getValue()));
        }
        yield new Check.Http(
            name(spec, "http " + spec.getUrl()),
            spec.getUrl(),
            spec.getMethod().isEmpty() ? "GET" : spec.getMethod(),
            headers,
            spec.getExpectStatus() == 0 ? 200 : spec.getExpectStatus(),
            spec.getExpectJsonMap(),
            spec.getBodyRegex().isEmpty()
                ? Optional.empty()
                : Optional.of(Pattern.compile(spec.getBodyRegex())),
            spec.getCaFile());
      }
      case "tcp" -> {
        HostPort at = HostPort.of(spec.getAddress());
        yield new Check.Tcp(name(spec, "tcp " + spec.getAddress()), at.host(), at.port());
      }
      case "grpc" -> {
        HostPort at = HostPort.of(spec.getAddress());
        yield new Check.Grpc(
            name(spec, "grpc " + spec.getAddress() + " " + spec.getService()).strip(),
            at.host(),
            at.port(),
            spec.getService(),
            spec.getTls(),
            spec.getCaFile());
      }
      case "command" ->
          new Check.Command(
              name(spec, "command " + spec.getCommand(0)), List.copyOf(spec.getCommandList()));
      case "postgres" -> {
        PostgresUrl url =
            PostgresUrl.parse(spec.getUrl())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "postgres url '" + spec.getUrl() + "' does not parse"));
        yield new Check.Postgres(
            name(spec, "postgres " + url.user() + "@" + url.host() + "/" + url.database()),
            url.host(),
            url.port(),
            url.database(),
            url.user(),
            secrets.get(spec.getPasswordSecret()),
            spec.getQuery(),
            spec.getExpectValue());
      }
      default -> throw new IllegalArgumentException("unknown check type '" + spec.getType() + "'");
    };
  }

  private record HostPort(String host, int port) {
    static HostPort of(String address) {
      int colon = address.lastIndexOf(':');
      return new HostPort(
          address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }
  }

  static String name(HealthCheck spec, String fallback) {
    return spec.getName().isEmpty() ? fallback : spec.getName();
  }
}
