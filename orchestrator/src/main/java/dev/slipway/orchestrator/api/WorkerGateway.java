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
import io.grpc.ServiceDescriptor;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The workers' own APIs (health rounds, backup sets, deliveries) served by the orchestrator too,
 * passed through unread: a client needs one address, and each worker still checks the caller.
 */
@Factory
public class WorkerGateway {
  private final String caFile;
  private final Supplier<String> delegation;
  private final GatewayChannels channels;

  public WorkerGateway(
      @Value("${slipway.tls.ca-file:}") String caFile, Tokens tokens, GatewayChannels channels) {
    this.caFile = caFile;
    this.channels = channels;
    // The worker gets a 30-second stand-in for the caller, never the caller's token.
    this.delegation = () -> "Bearer " + tokens.delegate(Caller.current());
  }

  @Singleton
  @Named("health-service")
  ServerServiceDefinition healthService(
      @Value("${slipway.services.health-address}") String address) {
    return passThrough(HealthServiceGrpc.getServiceDescriptor(), "health-service", address);
  }

  @Singleton
  @Named("backup-service")
  ServerServiceDefinition backupService(
      @Value("${slipway.services.backup-address}") String address) {
    return passThrough(BackupServiceGrpc.getServiceDescriptor(), "backup-service", address);
  }

  @Singleton
  @Named("notifier-service")
  ServerServiceDefinition notifierService(
      @Value("${slipway.services.notifier-address}") String address) {
    return passThrough(NotificationServiceGrpc.getServiceDescriptor(), "notifier-service", address);
  }

  private ServerServiceDefinition passThrough(
      ServiceDescriptor service, String worker, String address) {
    return PassThrough.of(
        service, channels.open(address, caFile), worker + " at " + address, delegation);
  }

  /** The channels to the workers, one per address, shut down with the orchestrator. */
  @Singleton
  static final class GatewayChannels {
    private final Map<String, ManagedChannel> open = new ConcurrentHashMap<>();

    ManagedChannel open(String address, String caFile) {
      return open.computeIfAbsent(address, a -> Channels.open(a, caFile));
    }

    @PreDestroy
    void close() {
      open.values().forEach(ManagedChannel::shutdownNow);
    }
  }
}
