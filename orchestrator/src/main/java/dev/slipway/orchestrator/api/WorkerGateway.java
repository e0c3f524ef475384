package dev.slipway.orchestrator.api;

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

/**
 * The workers' own APIs (health rounds, backup sets, deliveries) served by the orchestrator too,
 * passed through unread: a client needs one address, and each worker still checks the caller.
 */
@Factory
public class WorkerGateway {
  private final String caFile;

  public WorkerGateway(@Value("${slipway.tls.ca-file:}") String caFile) {
    this.caFile = caFile;
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
        HealthServiceGrpc.getServiceDescriptor(), channel, "health-service at " + address);
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
        BackupServiceGrpc.getServiceDescriptor(), channel, "backup-service at " + address);
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
        NotificationServiceGrpc.getServiceDescriptor(), channel, "notifier-service at " + address);
  }
}
