package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.platform.grpc.Channels;
import dev.slipway.platform.grpc.PassThrough;
import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.NotificationServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/**
 * The workers' own APIs (health rounds, backup sets, deliveries) served by the orchestrator too,
 * passed through unread: a client needs one address, and each worker still checks the caller.
 */
@Factory
public class WorkerGateway {
  private final String caFile;
  private final Supplier<String> delegation;

  public WorkerGateway(@Value("${slipway.tls.ca-file:}") String caFile, Tokens tokens) {
    this.caFile = caFile;
    // The worker gets a 30-second stand-in for the caller, never the caller's token.
    this.delegation = () -> "Bearer " + tokens.delegate(Caller.current());
  }

  @Singleton
  @Named("health-service")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel healthChannel(@Value("${slipway.services.health-address}") String address) {
    return Channels.open(address, caFile);
  }

  @Singleton
  ServerServiceDefinition healthService(
      @Named("health-service") ManagedChannel channel,
      @Value("${slipway.services.health-address}") String address) {
    return PassThrough.of(
        HealthServiceGrpc.getServiceDescriptor(),
        channel,
        "health-service at " + address,
        delegation);
  }

  @Singleton
  @Named("backup-service")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel backupChannel(@Value("${slipway.services.backup-address}") String address) {
    return Channels.open(address, caFile);
  }

  @Singleton
  ServerServiceDefinition backupService(
      @Named("backup-service") ManagedChannel channel,
      @Value("${slipway.services.backup-address}") String address) {
    return PassThrough.of(
        BackupServiceGrpc.getServiceDescriptor(),
        channel,
        "backup-service at " + address,
        delegation);
  }

  @Singleton
  @Named("notifier-service")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel notifierChannel(@Value("${slipway.services.notifier-address}") String address) {
    return Channels.open(address, caFile);
  }

  @Singleton
  ServerServiceDefinition notifierService(
      @Named("notifier-service") ManagedChannel channel,
      @Value("${slipway.services.notifier-address}") String address) {
    return PassThrough.of(
        NotificationServiceGrpc.getServiceDescriptor(),
        channel,
        "notifier-service at " + address,
        delegation);
  }
}
