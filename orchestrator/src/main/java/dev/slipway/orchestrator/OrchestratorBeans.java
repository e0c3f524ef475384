package dev.slipway.orchestrator;

import dev.slipway.platform.db.Transactions;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Time, ids and transactions as injectable inputs, so tests can fix them. */
@Factory
public class OrchestratorBeans {
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  Supplier<UUID> ids() {
    return UUID::randomUUID;
  }

  @Singleton
  Transactions transactions(DataSource dataSource) {
    return new Transactions(dataSource);
  }
}
