package dev.slipway.devstack.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The blue-green journal's front door: {@code /} and every other path go to the slot {@code
 * SLOTS/live} links to, read on each request, so the switch command's new link takes effect at
 * once; {@code /slot/blue/...} and {@code /slot/green/...} reach one slot directly, for checks.
 */
public final class DemoProxy implements AutoCloseable {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The journal's pages are small; more than this is not passed on. */
  private static final int MAX_BODY = 1 << 20;

  private final HttpServer server;

  private DemoProxy(HttpServer server) {
    this.server = server;
  }

  public static DemoProxy start(int port, Path slots, Map<String, Integer> slotPorts)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> forward(exchange, slots, slotPorts));
    server.start();
    return new DemoProxy(server);
  }

  private static void forward(HttpExchange exchange, Path slots, Map<String, Integer> slotPorts)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    String slot;
    if (path.startsWith("/slot/")) {
      String rest = path.substring("/slot/".length());
      slot = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      path = rest.contains("/") ? rest.substring(rest.indexOf('/')) : "/";
    } else if (Files.isSymbolicLink(slots.resolve("live"))) {
      slot = Files.readSymbolicLink(slots.resolve("live")).toString();
    } else {
      respond(exchange, 503, "no slot serves yet");
      return;
    }
    Integer port = slotPorts.get(slot);
    if (port == null) {
      respond(exchange, 404, "no slot " + slot);
      return;
    }
    try {
      HttpResponse<java.io.InputStream> answer =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (java.io.InputStream in = answer.body()) {
        body = in.readNBytes(MAX_BODY);
      }
      answer
          .headers()
          .firstValue("content-type")
          .ifPresent(type -> exchange.getResponseHeaders().set("content-type", type));
      exchange.getResponseHeaders().set("x-slot", slot);
      send(exchange, answer.statusCode(), body);
    } catch (IOException e) {
      respond(exchange, 502, "slot " + slot + " does not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      respond(exchange, 503, "interrupted");
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    send(exchange, status, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
