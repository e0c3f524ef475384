package dev.slipway.cli;

import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.ChannelServiceGrpc;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.NotificationServiceGrpc;
import dev.slipway.proto.v1.SecretServiceGrpc;
import dev.slipway.proto.v1.TokenServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The connection to the orchestrator: TLS when a CA file is given, the bearer token on every call.
 */
final class Server implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private final ManagedChannel channel;
  private final ClientInterceptor credentials;
  private final String address;

  Server(String address, String caFile, String token, String traceparent) {
    this.address = address;
    ChannelCredentials transport;
    if (caFile == null || caFile.isBlank()) {
      transport = InsecureChannelCredentials.create();
    } else {
      try {
        transport = TlsChannelCredentials.newBuilder().trustManager(new File(caFile)).build();
      } catch (IOException e) {
        throw new SlipwayCli.UsageError("cannot read --ca-file " + caFile + ": " + e.getMessage());
      }
    }
    this.channel = Grpc.newChannelBuilder(address, transport).build();
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    // A malformed one is the orchestrator's to ignore, as W3C trace context says.
    if (traceparent != null && !traceparent.isBlank()) {
      headers.put(TRACEPARENT, traceparent.strip());
    }
    this.credentials = MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  String address() {
    return address;
  }

  DeploymentServiceGrpc.DeploymentServiceBlockingStub deployments() {
    return unary(DeploymentServiceGrpc.newBlockingStub(channel));
  }

  /** For server streams, which last as long as the deployment. */
  DeploymentServiceGrpc.DeploymentServiceBlockingStub streams() {
    return DeploymentServiceGrpc.newBlockingStub(channel).withInterceptors(credentials);
  }

  ChannelServiceGrpc.ChannelServiceBlockingStub channels() {
    return unary(ChannelServiceGrpc.newBlockingStub(channel));
  }

  TokenServiceGrpc.TokenServiceBlockingStub tokens() {
    return unary(TokenServiceGrpc.newBlockingStub(channel));
  }

  SecretServiceGrpc.SecretServiceBlockingStub secrets() {
    return unary(SecretServiceGrpc.newBlockingStub(channel));
  }

  /** The health-service's history, passed through by the orchestrator. */
  HealthServiceGrpc.HealthServiceBlockingStub health() {
    return unary(HealthServiceGrpc.newBlockingStub(channel));
  }

  /** The backup-service's sets, passed through by the orchestrator. */
  BackupServiceGrpc.BackupServiceBlockingStub backups() {
    return unary(BackupServiceGrpc.newBlockingStub(channel));
  }

  /** The notifier-service's deliveries, passed through by the orchestrator. */
  NotificationServiceGrpc.NotificationServiceBlockingStub notifications() {
    return unary(NotificationServiceGrpc.newBlockingStub(channel));
  }

  /** For calls that take as long as the work they ask for, bounded by the caller. */
  BackupServiceGrpc.BackupServiceBlockingStub backups(java.time.Duration timeout) {
    return BackupServiceGrpc.newBlockingStub(channel)
        .withInterceptors(credentials)
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <S extends AbstractStub<S>> S unary(S stub) {
    return stub.withInterceptors(credentials).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
