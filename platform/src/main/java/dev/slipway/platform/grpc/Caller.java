package dev.slipway.platform.grpc;

import io.grpc.Context;
import io.grpc.Metadata;

/**
 * Who makes a gRPC call. Today the caller names itself in the {@code x-slipway-actor} header;
 * authentication with scoped tokens replaces this behind the same {@link CallerInterceptor}.
 */
public record Caller(String name) {
  public static final Metadata.Key<String> ACTOR_HEADER =
      Metadata.Key.of("x-slipway-actor", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<Caller> CONTEXT_KEY = Context.key("slipway-caller");
  private static final Caller ANONYMOUS = new Caller("anonymous");

  /** The caller of the current gRPC call. */
  public static Caller current() {
    Caller caller = CONTEXT_KEY.get();
    return caller == null ? ANONYMOUS : caller;
  }
}
