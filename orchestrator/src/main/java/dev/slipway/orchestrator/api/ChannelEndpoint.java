package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.channels.Channels;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.AppliedChannel;
import dev.slipway.proto.v1.ApplyChannelRequest;
import dev.slipway.proto.v1.ChannelServiceGrpc;
import dev.slipway.proto.v1.DeleteChannelRequest;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC {@code slipway.v1.ChannelService}: notification channels as resources. */
@Singleton
public class ChannelEndpoint extends ChannelServiceGrpc.ChannelServiceImplBase {
  private final Channels channels;

  public ChannelEndpoint(Channels channels) {
    this.channels = channels;
  }

  @Override
  public void applyChannel(ApplyChannelRequest request, StreamObserver<AppliedChannel> response) {
    GrpcErrors.respond(
        response,
        () ->
            switch (request.getSourceCase()) {
              case SPEC -> channels.apply(request.getSpec(), Caller.current().name());
              case DOCUMENT -> channels.apply(request.getDocument(), Caller.current().name());
              case SOURCE_NOT_SET ->
                  throw new InvalidInput("source", "give the channel as spec or document");
            });
  }

  @Override
  public void deleteChannel(DeleteChannelRequest request, StreamObserver<AppliedChannel> response) {
    GrpcErrors.respond(response, () -> channels.delete(request.getName()));
  }
}
