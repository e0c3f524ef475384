package dev.slipway.bench;

import dev.slipway.proto.v1.ApplyTargetRequest;
import dev.slipway.proto.v1.CommandStep;
import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.DeploymentServiceGrpc.DeploymentServiceBlockingStub;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.TargetSpec;
import dev.slipway.proto.v1.WatchDeploymentRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The orchestrator's gRPC API as a CI job calls it, with the stack's admin token. */
final class Slipway implements AutoCloseable {
  static final String ENVIRONMENT = "bench";
  private final ManagedChannel channel;
  final DeploymentServiceBlockingStub deployments;

  private Slipway(ManagedChannel channel, DeploymentServiceBlockingStub deployments) {
    this.channel = channel;
    this.deployments = deployments;
  }

  static Slipway connect(String address, Path adminToken) throws IOException {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + Files.readString(adminToken).strip());
    ManagedChannel channel =
        Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    return new Slipway(
        channel,
        DeploymentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  /** Registers app in the bench environment with this deploy command, no backup, no checks. */
  void target(String app, List<String> deploy) {
    target(spec(app, deploy));
  }

  void target(TargetSpec.Builder spec) {
    deployments.applyTarget(ApplyTargetRequest.newBuilder().setSpec(spec).build());
  }

  static TargetSpec.Builder spec(String app, List<String> deploy) {
    return TargetSpec.newBuilder()
        .setApp(app)
        .setEnvironment(ENVIRONMENT)
        .setDeploy(CommandStep.newBuilder().addAllCommand(deploy));
  }

  Deployment create(String app, String version) {
    return deployments.createDeployment(
        CreateDeploymentRequest.newBuilder()
            .setApp(app)
            .setEnvironment(ENVIRONMENT)
            .setVersion(version)
            .build());
  }

  /** Follows WatchDeployment until the deployment finishes; returns how it ended. */
  DeploymentStatus awaitFinished(String id) {
    Iterator<DeploymentEvent> events =
        deployments
            .withDeadlineAfter(2, TimeUnit.MINUTES)
            .watchDeployment(WatchDeploymentRequest.newBuilder().setDeploymentId(id).build());
    while (events.hasNext()) {
      DeploymentEvent event = events.next();
      if (event.hasFinished()) {
        return event.getFinished().getStatus();
      }
    }
    throw new IllegalStateException("the watch of " + id + " ended before the deployment did");
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
