package dev.slipway.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
  private volatile boolean flakyUp;
  private final java.util.concurrent.CountDownLatch closed =
      new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicInteger hanging =
      new java.util.concurrent.atomic.AtomicInteger();
  private final List<Received> flakyReceived = new CopyOnWriteArrayList<>();
  private final List<String> flakyHits = new CopyOnWriteArrayList<>();
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
    // An endpoint that takes every request and answers none for 30 s.
    server.createContext(
        "/hang",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          hanging.incrementAndGet();
          try {
            // Held until the receiver closes, 30 s at most.
            closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          hanging.decrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    // An endpoint that is down (503) until a test brings it up; it records what it accepts.
    server.createContext(
        "/flaky",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          flakyHits.add(exchange.getRequestHeaders().getFirst("webhook-id"));
          if (flakyUp) {
            flakyReceived.add(
                new Received(
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    body));
          }
          exchange.sendResponseHeaders(flakyUp ? 200 : 503, -1);
          exchange.close();
        });
    // A hanging request must not hold up the other endpoints.
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  String hangUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hang";
  }

  /** Requests the hanging endpoint holds open now. */
  int hanging() {
    return hanging.get();
  }

  String flakyUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/flaky";
  }

  /** Whether the flaky endpoint accepts (200) or refuses (503) from now on. */
  void flakyUp(boolean up) {
    flakyUp = up;
  }

  /** Requests with this webhook-id that reached the flaky endpoint, accepted or not. */
  long flakyHits(String webhookId) {
    return flakyHits.stream().filter(webhookId::equals).count();
  }

  List<Received> flakyReceived() {
    return List.copyOf(flakyReceived);
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
    closed.countDown();
    server.stop(0);
  }

  /**
   * The Standard Webhooks signature worked out here, apart from the notifier's code: HMAC-SHA256
   * under the base64 secret after "whsec_", of "id.timestamp.body", as "v1,<base64>".
   */
  static String standardWebhooksSignature(String secret, Received hook) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] signed =
          mac.doFinal(
              (hook.id() + "." + hook.timestamp() + "." + hook.body())
                  .getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signed);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
