package dev.slipway.platform.tracing;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server span for every call, child of the caller's {@code traceparent} and current while the
 * call is handled. Outermost of the interceptors, so refused calls are traced too.
 */
@Singleton
public class TracingInterceptor implements ServerInterceptor, Ordered {
  public static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(Tracing.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);

  private final Tracer tracer;

  public TracingInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Span span =
        tracer
            .spanBuilder(method)
            .setSpanKind(SpanKind.SERVER)
            .setParent(Tracing.parent(headers.get(TRACEPARENT)))
            .setAttribute("rpc.system", "grpc")
            .setAttribute("rpc.service", call.getMethodDescriptor().getServiceName())
            .setAttribute("rpc.method", call.getMethodDescriptor().getBareMethodName())
            .startSpan();
    Context context = Context.root().with(span);
    AtomicBoolean ended = new AtomicBoolean();
    ServerCall<Q, R> traced =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (ended.compareAndSet(false, true)) {
              span.setAttribute("rpc.grpc.status_code", status.getCode().value());
              if (!status.isOk()) {
                span.setStatus(StatusCode.ERROR, status.getCode().name());
              }
              span.end();
            }
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener;
    try (Scope ignored = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException e) {
      if (ended.compareAndSet(false, true)) {
        span.setStatus(StatusCode.ERROR, e.toString());
        span.end();
      }
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        try (Scope ignored = context.makeCurrent()) {
          super.onMessage(message);
        }
      }

      @Override
      public void onHalfClose() {
        try (Scope ignored = context.makeCurrent()) {
          super.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        try (Scope ignored = context.makeCurrent()) {
          super.onCancel();
        } finally {
          if (ended.compareAndSet(false, true)) {
            span.setStatus(
                StatusCode.ERROR, "cancelled: the client went away or its deadline passed");
            span.end();
          }
        }
      }

      @Override
      public void onComplete() {
        try (Scope ignored = context.makeCurrent()) {
          super.onComplete();
        }
      }

      @Override
      public void onReady() {
        try (Scope ignored = context.makeCurrent()) {
          super.onReady();
        }
      }
    };
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
