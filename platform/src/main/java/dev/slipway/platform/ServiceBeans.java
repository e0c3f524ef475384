package dev.slipway.platform;

import dev.slipway.platform.auth.RemoteTokenAuthenticator;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.grpc.ServiceToken;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Secondary;
import io.micronaut.context.annotation.Value;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Beans every service uses: time and ids as inputs, transactions, and (for workers) the
 * orchestrator.
 */
@Factory
public class ServiceBeans {
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  /** New ids of rows and events, an input like time, so tests can fix them. */
  @Singleton
  Supplier<UUID> ids() {
    return UUID::randomUUID;
  }

  @Singleton
  Transactions transactions(
      DataSource dataSource,
      Optional<DataSourceResolver> resolver,
      TransactionOperations<Connection> transactionManager) {
    // The injected DataSource is a proxy bound to the current transaction; plumbing that keeps a
    // connection of its own (a lock's session, LISTEN) needs the pool behind it.
    return new Transactions(
        resolver.orElse(DataSourceResolver.DEFAULT).resolve(dataSource), transactionManager);
  }

  @Singleton
  @Requires(property = "slipway.orchestrator.address")
  OrchestratorClient orchestratorClient(
      @Value("${slipway.orchestrator.address}") String address,
      @Value("${slipway.tls.ca-file:}") String caFile,
      ServiceToken token) {
    return new OrchestratorClient(address, caFile, token.secret());
  }

  /** A worker's: tokens are checked by the orchestrator; a service keeping tokens uses its own. */
  @Singleton
  @Secondary
  @Requires(property = "slipway.orchestrator.address")
  TokenAuthenticator remoteTokens(OrchestratorClient orchestrator) {
    return new RemoteTokenAuthenticator(orchestrator);
  }
}
