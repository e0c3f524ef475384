package dev.slipway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Slack incoming webhook as Slack's contract has it: a JSON body with {@code text} and Block Kit
 * {@code blocks} within their limits (else 400), about one message a second per channel (else 429
 * with {@code Retry-After: 1}), and its very first request refused with 429 so that every test sees
 * the wait honoured.
 */
final class SlackReceiver implements AutoCloseable {
  record Accepted(Instant at, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger tooMany = new AtomicInteger();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private Instant last = Instant.EPOCH;
  private boolean first = true;

  SlackReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/services/T000/B000/slipway", this::handle);
    server.start();
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Instant now = Instant.now();
    boolean tooSoon = Duration.between(last, now).compareTo(Duration.ofMillis(950)) < 0;
    last = now;
    if (first || tooSoon) {
      first = false;
      tooMany.incrementAndGet();
      exchange.getResponseHeaders().add("Retry-After", "1");
      answer(exchange, 429, "rate_limited");
      return;
    }
    String problem = problem(exchange, body);
    if (problem != null) {
      refused.add(problem);
      answer(exchange, 400, problem);
      return;
    }
    accepted.add(new Accepted(now, JSON.readTree(body)));
    answer(exchange, 200, "ok");
  }

  private static String problem(HttpExchange exchange, String body) {
    if (!"application/json".equals(exchange.getRequestHeaders().getFirst("content-type"))) {
      return "invalid_payload: not JSON";
    }
    JsonNode message;
    try {
      message = JSON.readTree(body);
    } catch (IOException e) {
      return "invalid_payload: " + e.getMessage();
    }
    if (!message.path("text").isTextual() || message.path("text").asText().isEmpty()) {
      return "invalid_payload: no text";
    }
    JsonNode blocks = message.path("blocks");
    if (!blocks.isArray() || blocks.size() > 50) {
      return "invalid_blocks: at most 50";
    }
    for (JsonNode block : blocks) {
      String type = block.path("type").asText();
      int limit = type.equals("header") ? 150 : 3000;
      if (block.path("text").path("text").asText().length() > limit) {
        return "invalid_blocks: " + type + " text over " + limit;
      }
      for (JsonNode field : block.path("fields")) {
        if (field.path("text").asText().length() > 2000) {
          return "invalid_blocks: field over 2000";
        }
      }
      if (block.path("fields").size() > 10) {
        return "invalid_blocks: over 10 fields";
      }
    }
    return null;
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/slipway";
  }

  List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  int tooMany() {
    return tooMany.get();
  }

  List<String> refused() {
    return List.copyOf(refused);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
