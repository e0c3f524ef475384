package dev.slipway.orchestrator.outbox;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/**
 * The relay's state as a named service of the standard gRPC health check ({@code
 * slipway.outbox-relay}): NOT_SERVING while it cannot publish, so a probe sees a relay that keeps
 * failing without reading logs.
 */
@Singleton
public class RelayHealth {
  public static final String SERVICE = "slipway.outbox-relay";
  private final HealthStatusManager health;
  private volatile String problem;

  public RelayHealth(@Nullable HealthStatusManager health) {
    this.health = health;
  }

  void running() {
    problem = null;
    set(ServingStatus.SERVING);
  }

  void failing(String why) {
    problem = why;
    set(ServingStatus.NOT_SERVING);
  }

  /** Why the relay cannot run now, or null. */
  public String problem() {
    return problem;
  }

  private void set(ServingStatus status) {
    if (health != null) {
      health.setStatus(SERVICE, status);
    }
  }
}
