package dev.slipway.orchestrator;

import io.micronaut.runtime.Micronaut;

/** The orchestrator: deployment state machine, targets, gRPC API, outbox relay, step driver. */
public final class OrchestratorApplication {
  private OrchestratorApplication() {}

  public static void main(String[] args) {
    Micronaut.run(OrchestratorApplication.class, args);
  }
}
