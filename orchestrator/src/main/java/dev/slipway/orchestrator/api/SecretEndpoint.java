package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.secrets.SecretRow;
import dev.slipway.orchestrator.secrets.SecretStore;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.DeleteSecretRequest;
import dev.slipway.proto.v1.ListSecretsRequest;
import dev.slipway.proto.v1.ListSecretsResponse;
import dev.slipway.proto.v1.RotateMasterKeyRequest;
import dev.slipway.proto.v1.RotateMasterKeyResponse;
import dev.slipway.proto.v1.Secret;
import dev.slipway.proto.v1.SecretServiceGrpc;
import dev.slipway.proto.v1.SetSecretRequest;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC {@code slipway.v1.SecretService}: names, versions and dates; a value never goes out. */
@Singleton
public class SecretEndpoint extends SecretServiceGrpc.SecretServiceImplBase {
  private final SecretStore secrets;

  public SecretEndpoint(SecretStore secrets) {
    this.secrets = secrets;
  }

  @Override
  public void setSecret(SetSecretRequest request, StreamObserver<Secret> response) {
    GrpcErrors.respond(
        response,
        () ->
            secret(
                secrets.set(
                    request.getName(), request.getValue().toByteArray(), Caller.current().name())));
  }

  @Override
  public void listSecrets(
      ListSecretsRequest request, StreamObserver<ListSecretsResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          ListSecretsResponse.Builder out = ListSecretsResponse.newBuilder();
          secrets.list().forEach(row -> out.addSecrets(secret(row)));
          return out.build();
        });
  }

  @Override
  public void deleteSecret(DeleteSecretRequest request, StreamObserver<Secret> response) {
    GrpcErrors.respond(response, () -> secret(secrets.delete(request.getName())));
  }

  @Override
  public void rotateMasterKey(
      RotateMasterKeyRequest request, StreamObserver<RotateMasterKeyResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          SecretStore.Rotation rotation = secrets.rotateMasterKey();
          return RotateMasterKeyResponse.newBuilder()
              .setPrimaryKeyId(Integer.toUnsignedLong(rotation.primaryKeyId()))
              .setReencrypted(rotation.reencrypted())
              .build();
        });
  }

  private static Secret secret(SecretRow row) {
    return Secret.newBuilder()
        .setName(row.name())
        .setVersion(row.version())
        .setUpdatedAt(EventCodec.timestamp(row.updatedAt()))
        .setUpdatedBy(row.updatedBy())
        .build();
  }
}
