package dev.slipway.health;

import dev.slipway.platform.grpc.ServerTls;
import io.micronaut.runtime.Micronaut;

/** The health-service: pre-flight and post-deploy checks, with every result kept as history. */
public final class HealthApplication {
  private HealthApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(HealthApplication.class)
        .properties(ServerTls.properties())
        .start();
  }
}
