package dev.slipway.orchestrator;

import dev.slipway.platform.grpc.ServerTls;
import io.micronaut.runtime.Micronaut;

/** The orchestrator: deployment state machine, targets, gRPC API, outbox relay, step driver. */
public final class OrchestratorApplication {
  private OrchestratorApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(OrchestratorApplication.class)
        .properties(ServerTls.properties())
        .start();
  }
}
