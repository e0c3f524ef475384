package dev.slipway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A plain HTTP client of the REST API that remembers which operations (method and path template)
 * the tests called, so that a test can prove every path of the OpenAPI document was exercised.
 */
final class RestClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  RestClient(String base) {
    this.base = base;
  }

  static RestClient of(E2eEnvironment env) {
    return new RestClient(
        "http://127.0.0.1:" + env.stack.httpPort(dev.slipway.devstack.Service.ORCHESTRATOR));
  }

  static String secret(Path tokenFile) throws IOException {
    return Files.readString(tokenFile).strip();
  }

  Call call(String method, String template, Object... args) {
    return new Call(method, template, args);
  }

  /** A response: its status, headers and body. */
  record Response(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    /** The body as the proto message it must be, read strictly (an unknown field fails). */
    <B extends Message.Builder> B as(B builder) {
      try {
        JsonFormat.parser().merge(body, builder);
        return builder;
      } catch (IOException e) {
        throw new AssertionError(
            "not a " + builder.getDescriptorForType().getName() + ": " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  final class Call {
    private final String method;
    private final String template;
    private final Object[] args;
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;

    Call(String method, String template, Object[] args) {
      this.method = method;
      this.template = template;
      this.args = args;
    }

    Call as(String secret) {
      headers.put("Authorization", "Bearer " + secret);
      return this;
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Call query(String name, Object value) {
      query.put(name, String.valueOf(value));
      return this;
    }

    Call json(String json) {
      headers.put("Content-Type", "application/json");
      this.body = json;
      return this;
    }

    Call body(String contentType, String text) {
      headers.put("Content-Type", contentType);
      this.body = text;
      return this;
    }

    URI uri() {
      String path = template;
      for (Object arg : args) {
        path =
            path.replaceFirst(
                "\\{[^}]+}",
                java.util.regex.Matcher.quoteReplacement(
                    URLEncoder.encode(String.valueOf(arg), StandardCharsets.UTF_8)));
      }
      String q =
          query.entrySet().stream()
              .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    HttpRequest request() {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri())
              .timeout(Duration.ofSeconds(60))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(request::header);
      EXERCISED.add(method.toLowerCase(java.util.Locale.ROOT) + " " + template);
      return request.build();
    }

    Response send() throws IOException, InterruptedException {
      HttpResponse<String> response = HTTP.send(request(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    }

    /** Opens the call as a stream of server-sent events. */
    SseStream stream() throws IOException, InterruptedException {
      headers.putIfAbsent("Accept", "text/event-stream");
      return SseStream.open(HTTP, request());
    }
  }

  /** Every "method path" of the document. */
  static List<String> operations(JsonNode document) {
    List<String> operations = new ArrayList<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(method -> operations.add(method + " " + path.getKey())));
    return operations;
  }
}
