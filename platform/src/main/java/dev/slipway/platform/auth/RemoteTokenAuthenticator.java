package dev.slipway.platform.auth;

import dev.slipway.platform.grpc.Caller;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.proto.internal.v1.Principal;

/**
 * A worker's authenticator: the orchestrator keeps the tokens, so every call a worker serves to a
 * user is checked there. Nothing is cached here; the orchestrator's own half-second cache keeps a
 * revoked token refused everywhere within a second.
 */
public final class RemoteTokenAuthenticator implements TokenAuthenticator {
  private final OrchestratorClient orchestrator;

  public RemoteTokenAuthenticator(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public Caller authenticate(String bearerSecret) {
    Principal principal = orchestrator.authenticate(bearerSecret);
    return new Caller(
        principal.getName(), principal.getScopesList().stream().map(Scope::parse).toList());
  }
}
