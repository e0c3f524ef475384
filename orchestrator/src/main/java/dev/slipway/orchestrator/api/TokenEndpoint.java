package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.access.TokenRow;
import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.CreateTokenRequest;
import dev.slipway.proto.v1.CreateTokenResponse;
import dev.slipway.proto.v1.ListTokensRequest;
import dev.slipway.proto.v1.ListTokensResponse;
import dev.slipway.proto.v1.RevokeTokenRequest;
import dev.slipway.proto.v1.Token;
import dev.slipway.proto.v1.TokenServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;

/** gRPC {@code slipway.v1.TokenService}; a secret appears only in the answer to its creation. */
@Singleton
public class TokenEndpoint extends TokenServiceGrpc.TokenServiceImplBase {
  private final Tokens tokens;

  public TokenEndpoint(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void createToken(
      CreateTokenRequest request, StreamObserver<CreateTokenResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          if (request.getNeverExpires() && request.hasExpiresIn()) {
            throw new dev.slipway.orchestrator.errors.InvalidInput(
                "never_expires", "cannot go with expires_in");
          }
          Duration lifetime =
              request.getNeverExpires()
                  ? null
                  : request.hasExpiresIn()
                      ? Duration.ofSeconds(
                          request.getExpiresIn().getSeconds(), request.getExpiresIn().getNanos())
                      : Tokens.DEFAULT_LIFETIME;
          Tokens.Created created =
              tokens.create(
                  request.getName(), request.getScopesList(), lifetime, Caller.current().name());
          return CreateTokenResponse.newBuilder()
              .setToken(token(created.token()))
              .setSecret(created.secret())
              .build();
        });
  }

  @Override
  public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          ListTokensResponse.Builder out = ListTokensResponse.newBuilder();
          tokens.list(request.getIncludeInactive()).forEach(row -> out.addTokens(token(row)));
          return out.build();
        });
  }

  @Override
  public void revokeToken(RevokeTokenRequest request, StreamObserver<Token> response) {
    GrpcErrors.respond(response, () -> token(tokens.revoke(request.getToken())));
  }

  private static Token token(TokenRow row) {
    Token.Builder token =
        Token.newBuilder()
            .setId(row.id().toString())
            .setName(row.name())
            .addAllScopes(Arrays.asList(row.scopes().split(" ")))
            .setCreatedBy(row.createdBy())
            .setCreatedAt(EventCodec.timestamp(row.createdAt()));
    if (row.expiresAt() != null) {
      token.setExpiresAt(EventCodec.timestamp(row.expiresAt()));
    }
    if (row.lastUsedAt() != null) {
      token.setLastUsedAt(EventCodec.timestamp(row.lastUsedAt()));
    }
    if (row.revokedAt() != null) {
      token.setRevokedAt(EventCodec.timestamp(row.revokedAt()));
    }
    return token.build();
  }
}
