package dev.slipway.orchestrator.rest;

import dev.slipway.orchestrator.access.Sessions;
import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.platform.auth.AccessInterceptor;
import dev.slipway.platform.auth.DeploymentEnvironments;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.tracing.TracingInterceptor;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The REST API's way into the gRPC API: every service of the orchestrator served once more on an
 * in-process channel, behind the same tracing and access interceptors. A REST call is therefore
 * authenticated, scoped, validated and answered exactly as the same gRPC call, and the workers'
 * read models come through the same pass-through. Only here is a dashboard session's secret good as
 * a bearer; the network port never accepts one.
 */
@Singleton
public class ApiChannel {
  static final long DEADLINE_SECONDS = 30;
  private final Server server;
  private final ManagedChannel channel;

  public ApiChannel(
      List<BindableService> services,
      List<ServerServiceDefinition> passedThrough,
      TracingInterceptor tracing,
      Tokens tokens,
      Sessions sessions,
      Optional<DeploymentEnvironments> deployments,
      MeterRegistry meters) {
    TokenAuthenticator tokensOrSessions =
        bearer ->
            Sessions.isSession(bearer)
                ? sessions.authenticate(bearer)
                : tokens.authenticate(bearer);
    AccessInterceptor access =
        new AccessInterceptor(Optional.of(tokensOrSessions), deployments, meters);
    String name = "slipway-rest-" + UUID.randomUUID();
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(name).executor(Executors.newVirtualThreadPerTaskExecutor());
    // The last interceptor named runs first: tracing outermost, as on the network port.
    services.forEach(s -> builder.addService(ServerInterceptors.intercept(s, access, tracing)));
    passedThrough.forEach(
        s -> builder.addService(ServerInterceptors.intercept(s, access, tracing)));
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the REST API's in-process channel", e);
    }
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /** A stub that calls as the request's caller, continuing its trace when it has one. */
  <S extends AbstractStub<S>> S stub(
      Function<ManagedChannel, S> factory, ApiAuth.Credentials credentials) {
    Metadata headers = new Metadata();
    headers.put(AccessInterceptor.AUTHORIZATION, "Bearer " + credentials.bearer());
    String traceparent = credentials.traceparent();
    if (traceparent != null && !traceparent.isBlank()) {
      headers.put(TracingInterceptor.TRACEPARENT, traceparent);
    }
    return factory
        .apply(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The same, with the deadline every unary REST call has. */
  <S extends AbstractStub<S>> S unary(
      Function<ManagedChannel, S> factory, ApiAuth.Credentials credentials) {
    return stub(factory, credentials).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
  }
}
