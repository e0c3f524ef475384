package dev.slipway.platform.grpc;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker's own credential towards the orchestrator: a token with the {@code internal} scope, from
 * {@code SLIPWAY_SERVICE_TOKEN} or the file {@code SLIPWAY_SERVICE_TOKEN_FILE} names.
 */
@Singleton
@Requires(property = "slipway.orchestrator.address")
public final class ServiceToken {
  private final String secret;

  public ServiceToken(
      @Value("${slipway.service-token:}") String token,
      @Value("${slipway.service-token-file:}") String file) {
    if (!token.isBlank()) {
      this.secret = token.strip();
    } else if (!file.isBlank()) {
      try {
        this.secret = Files.readString(Path.of(file)).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the service token file " + file + " (SLIPWAY_SERVICE_TOKEN_FILE)", e);
      }
    } else {
      throw new IllegalStateException(
          "no service token: set SLIPWAY_SERVICE_TOKEN or SLIPWAY_SERVICE_TOKEN_FILE "
              + "to a token with the internal scope (slipway token create --name NAME --scope internal)");
    }
  }

  public String secret() {
    return secret;
  }
}
