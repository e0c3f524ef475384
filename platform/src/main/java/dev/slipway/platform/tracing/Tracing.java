package dev.slipway.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * W3C trace context as Slipway carries it: a {@code traceparent} string stored with a deployment,
 * its events and its jobs, put in Kafka headers and gRPC metadata. One deployment is one trace:
 * every span of its work descends from the call that created it.
 */
public final class Tracing {
  public static final String TRACEPARENT = "traceparent";
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<String> ONE_VALUE =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
          return TRACEPARENT.equals(key) ? carrier : null;
        }
      };

  private Tracing() {}

  /** The traceparent of the span current on this thread; empty when there is none. */
  public static Optional<String> currentTraceparent() {
    return traceparent(Context.current());
  }

  public static Optional<String> traceparent(Span span) {
    return traceparent(Context.root().with(span));
  }

  public static Optional<String> traceparent(Context context) {
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return Optional.empty();
    }
    Map<String, String> carrier = new HashMap<>();
    W3C.inject(context, carrier, Map::put);
    return Optional.ofNullable(carrier.get(TRACEPARENT));
  }

  /** A context whose span is the one {@code traceparent} names: root when null or malformed. */
  public static Context parent(String traceparent) {
    return traceparent == null
        ? Context.root()
        : W3C.extract(Context.root(), traceparent, ONE_VALUE);
  }

  /** Starts a span under {@code parent} and makes it current until the scope closes. */
  public static Traced start(Tracer tracer, String name, SpanKind kind, Context parent) {
    return start(tracer.spanBuilder(name).setSpanKind(kind).setParent(parent));
  }

  public static Traced start(SpanBuilder builder) {
    Span span = builder.startSpan();
    return new Traced(span, span.makeCurrent());
  }

  /** A started span, current on this thread until closed; closing ends it. */
  public static final class Traced implements AutoCloseable {
    private final Span span;
    private final Scope scope;

    private Traced(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    public Span span() {
      return span;
    }

    /** The context with this span current, for another thread working on its behalf. */
    public Context context() {
      return Context.root().with(span);
    }

    @Override
    public void close() {
      scope.close();
      span.end();
    }
  }
}
