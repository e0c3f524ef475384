package dev.slipway.cli;

import dev.slipway.proto.v1.DeploymentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** The connection to the orchestrator, naming the caller on every call. */
final class Server implements AutoCloseable {
  private static final Metadata.Key<String> ACTOR =
      Metadata.Key.of("x-slipway-actor", Metadata.ASCII_STRING_MARSHALLER);
  private final ManagedChannel channel;
  private final String address;

  Server(String address) {
    this.address = address;
    this.channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
  }

  String address() {
    return address;
  }

  DeploymentServiceGrpc.DeploymentServiceBlockingStub deployments() {
    return DeploymentServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(actor()))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** For server streams, which last as long as the deployment. */
  DeploymentServiceGrpc.DeploymentServiceBlockingStub streams() {
    return DeploymentServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(actor()));
  }

  private static Metadata actor() {
    Metadata headers = new Metadata();
    String actor = System.getenv("SLIPWAY_ACTOR");
    if (actor == null || actor.isBlank()) {
      actor = System.getProperty("user.name", "cli");
    }
    headers.put(ACTOR, actor.replaceAll("[^\\x20-\\x7e]", "?"));
    return headers;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
