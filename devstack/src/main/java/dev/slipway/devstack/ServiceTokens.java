package dev.slipway.devstack;

import dev.slipway.proto.v1.CreateTokenRequest;
import dev.slipway.proto.v1.TokenServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/** Issues each worker its own token (scope internal) with the admin token, as an operator would. */
final class ServiceTokens implements AutoCloseable {
  private final ManagedChannel channel;
  private final TokenServiceGrpc.TokenServiceBlockingStub tokens;

  ServiceTokens(String orchestratorAddress, ChannelCredentials credentials, Path adminTokenFile)
      throws IOException {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + Files.readString(adminTokenFile).strip());
    this.channel = Grpc.newChannelBuilder(orchestratorAddress, credentials).build();
    this.tokens =
        TokenServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * Creates the worker's token, unless its file is there from an earlier start, and writes it
   * owner-only.
   */
  void issue(String worker, Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    String secret =
        tokens
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .createToken(
                CreateTokenRequest.newBuilder().setName(worker).addScopes("internal").build())
            .getSecret();
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, secret + "\n");
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
