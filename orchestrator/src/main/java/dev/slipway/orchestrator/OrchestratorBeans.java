package dev.slipway.orchestrator;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.function.Supplier;

/** Event ids as an injectable input, so tests can fix them. */
@Factory
public class OrchestratorBeans {
  @Singleton
  Supplier<UUID> ids() {
    return UUID::randomUUID;
  }
}
