package dev.slipway.orchestrator;

import dev.slipway.platform.ServiceMain;

/** The orchestrator: deployment state machine, targets, gRPC API, outbox relay, step driver. */
public final class OrchestratorApplication {
  private OrchestratorApplication() {}

  public static void main(String[] args) {
    ServiceMain.run(OrchestratorApplication.class, args);
  }
}
