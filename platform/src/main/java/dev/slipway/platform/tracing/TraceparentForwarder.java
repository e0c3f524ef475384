package dev.slipway.platform.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** Sends the span current on the calling thread as {@code traceparent} with every call. */
public final class TraceparentForwarder implements ClientInterceptor {
  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        Tracing.currentTraceparent()
            .ifPresent(value -> headers.put(TracingInterceptor.TRACEPARENT, value));
        super.start(listener, headers);
      }
    };
  }
}
