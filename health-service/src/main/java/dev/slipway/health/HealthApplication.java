package dev.slipway.health;

import dev.slipway.platform.ServiceMain;

/** The health-service: pre-flight and post-deploy checks, with every result kept as history. */
public final class HealthApplication {
  private HealthApplication() {}

  public static void main(String[] args) {
    ServiceMain.run(HealthApplication.class, args);
  }
}
