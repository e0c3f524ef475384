package dev.slipway.health;

import io.micronaut.runtime.Micronaut;

/** The health-service: pre-flight and post-deploy checks, with every result kept as history. */
public final class HealthApplication {
  private HealthApplication() {}

  public static void main(String[] args) {
    Micronaut.run(HealthApplication.class, args);
  }
}
