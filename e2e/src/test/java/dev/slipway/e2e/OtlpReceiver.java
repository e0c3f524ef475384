package dev.slipway.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenTelemetry collector's OTLP/HTTP trace endpoint ({@code POST /v1/traces}, protobuf): it
 * decodes the spans the services export and keeps up to {@link #LIMIT} of them. Decoding reads the
 * OTLP wire format directly (field numbers of opentelemetry-proto's trace and common messages).
 */
final class OtlpReceiver implements AutoCloseable {
  static final int LIMIT = 50_000;
  private static final int MAX_BODY = 16 * 1024 * 1024;

  /** One received span; ids in lowercase hex, the parent empty for a root span. */
  record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      int kind,
      Map<String, String> attributes) {}

  private final HttpServer server;
  private final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();
  private final AtomicInteger kept = new AtomicInteger();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/traces", this::receive);
    server.start();
  }

  /** The endpoint for {@code otel.exporter.otlp.traces.endpoint}. */
  String tracesEndpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (!"POST".equals(exchange.getRequestMethod()) || body.length > MAX_BODY) {
        exchange.sendResponseHeaders(body.length > MAX_BODY ? 413 : 405, -1);
        return;
      }
      for (ReceivedSpan span : exportRequest(body)) {
        if (kept.incrementAndGet() <= LIMIT) {
          spans.add(span);
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** ExportTraceServiceRequest: 1 resource_spans. */
  private static List<ReceivedSpan> exportRequest(byte[] body) throws IOException {
    List<ReceivedSpan> received = new ArrayList<>();
    for (ByteString resourceSpans : fields(body).getOrDefault(1, List.of())) {
      // ResourceSpans: 1 resource, 2 scope_spans; Resource: 1 attributes.
      Map<Integer, List<ByteString>> fields = fields(resourceSpans.toByteArray());
      String service = "";
      for (ByteString resource : fields.getOrDefault(1, List.of())) {
        service = attributes(fields(resource.toByteArray())).getOrDefault("service.name", "");
      }
      for (ByteString scopeSpans : fields.getOrDefault(2, List.of())) {
        // ScopeSpans: 2 spans.
        for (ByteString span : fields(scopeSpans.toByteArray()).getOrDefault(2, List.of())) {
          received.add(span(service, span.toByteArray()));
        }
      }
    }
    return received;
  }

  /** Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes. */
  private static ReceivedSpan span(String service, byte[] bytes) throws IOException {
    Map<Integer, List<ByteString>> fields = new LinkedHashMap<>();
    int kind = 0;
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 6) {
        kind = in.readEnum();
      } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        fields
            .computeIfAbsent(WireFormat.getTagFieldNumber(tag), k -> new ArrayList<>())
            .add(in.readBytes());
      } else {
        in.skipField(tag);
      }
    }
    return new ReceivedSpan(
        service,
        hex(fields, 1),
        hex(fields, 2),
        hex(fields, 4),
        fields.getOrDefault(5, List.of(ByteString.EMPTY)).getFirst().toStringUtf8(),
        kind,
        attributes(Map.of(1, fields.getOrDefault(9, List.of()))));
  }

  /** KeyValue: 1 key, 2 value; AnyValue: 1 string, 2 bool, 3 int; anything else as empty. */
  private static Map<String, String> attributes(Map<Integer, List<ByteString>> holder)
      throws IOException {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (ByteString keyValue : holder.getOrDefault(1, List.of())) {
      Map<Integer, List<ByteString>> pair = fields(keyValue.toByteArray());
      String key = pair.getOrDefault(1, List.of(ByteString.EMPTY)).getFirst().toStringUtf8();
      String value = "";
      for (ByteString any : pair.getOrDefault(2, List.of())) {
        CodedInputStream in = CodedInputStream.newInstance(any.toByteArray());
        int tag = in.readTag();
        value =
            switch (WireFormat.getTagFieldNumber(tag)) {
              case 1 -> in.readString();
              case 2 -> Boolean.toString(in.readBool());
              case 3 -> Long.toString(in.readInt64());
              default -> "";
            };
      }
      attributes.put(key, value);
    }
    return attributes;
  }

  /** The length-delimited fields of a message, by field number. */
  private static Map<Integer, List<ByteString>> fields(byte[] message) throws IOException {
    Map<Integer, List<ByteString>> fields = new LinkedHashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        fields
            .computeIfAbsent(WireFormat.getTagFieldNumber(tag), k -> new ArrayList<>())
            .add(in.readBytes());
      } else {
        in.skipField(tag);
      }
    }
    return fields;
  }

  private static String hex(Map<Integer, List<ByteString>> fields, int number) {
    List<ByteString> values = fields.getOrDefault(number, List.of());
    return values.isEmpty() ? "" : HexFormat.of().formatHex(values.getFirst().toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
