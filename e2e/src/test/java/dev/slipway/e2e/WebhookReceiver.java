package dev.slipway.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP endpoint that receives the notifier's webhooks; answers 503 to the first of each id
 * when asked.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One received request. */
  record Received(String id, String timestamp, String signature, String body) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> refusedOnce = new CopyOnWriteArrayList<>();
  private volatile boolean refuseFirstAttempt;
  private final java.util.concurrent.atomic.AtomicInteger goneHits =
      new java.util.concurrent.atomic.AtomicInteger();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String id = exchange.getRequestHeaders().getFirst("webhook-id");
          int status = 204;
          if (refuseFirstAttempt && !refusedOnce.contains(id)) {
            refusedOnce.add(id);
            status = 503;
          } else {
            received.add(
                new Received(
                    id,
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    body));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    // An endpoint its owner retired: every request gets 410 Gone.
    server.createContext(
        "/gone",
        exchange -> {
          goneHits.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(410, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  String goneUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/gone";
  }

  /** How many requests reached the retired endpoint. */
  int goneHits() {
    return goneHits.get();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Makes the first delivery of every notification fail, so retries are exercised. */
  void refuseFirstAttempts() {
    refuseFirstAttempt = true;
  }

  List<String> refused() {
    return List.copyOf(refusedOnce);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
