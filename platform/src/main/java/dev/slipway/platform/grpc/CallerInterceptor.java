package dev.slipway.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * The seam where every service learns who calls it. It puts the {@link Caller} into the gRPC
 * context; token authentication and scopes plug in here.
 */
@Singleton
public class CallerInterceptor implements ServerInterceptor, Ordered {
  private static final int MAX_NAME = 200;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String actor = headers.get(Caller.ACTOR_HEADER);
    Caller caller =
        new Caller(actor == null || actor.isBlank() ? "anonymous" : truncate(actor.strip()));
    return Contexts.interceptCall(
        Context.current().withValue(Caller.CONTEXT_KEY, caller), call, headers, next);
  }

  private static String truncate(String value) {
    return value.length() <= MAX_NAME ? value : value.substring(0, MAX_NAME);
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
