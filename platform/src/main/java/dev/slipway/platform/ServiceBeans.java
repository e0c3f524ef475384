package dev.slipway.platform;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.OrchestratorClient;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;

/** Beans every service uses: time as an input, transactions, and (for workers) the orchestrator. */
@Factory
public class ServiceBeans {
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  Transactions transactions(DataSource dataSource) {
    return new Transactions(dataSource);
  }

  @Singleton
  @Requires(property = "slipway.orchestrator.address")
  OrchestratorClient orchestratorClient(
      @Value("${slipway.orchestrator.address}") String address,
      @Value("${micronaut.application.name}") String service) {
    return new OrchestratorClient(address, service);
  }
}
