package dev.slipway.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver that misbehaves on request: it answers 500, or 429 with {@code Retry-After:
 * 4}, or holds each request unanswered until it behaves again (then 500). It keeps every request it
 * accepted (204), and counts those it turned away and those it held.
 */
final class FaultyWebhook implements AutoCloseable {
  enum Mode {
    ACCEPT,
    ERROR,
    THROTTLE,
    HANG
  }

  /** One accepted delivery: its {@code webhook-id} and body. */
  record Accepted(String id, String body) {}

  private static final int MAX_BODY = 1024 * 1024;
  private final HttpServer server;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private final Object behaviour = new Object();
  private Mode mode = Mode.ACCEPT;

  FaultyWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hook", this::receive);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  void behave(Mode next) {
    synchronized (behaviour) {
      mode = next;
      behaviour.notifyAll();
    }
  }

  List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  int refused() {
    return refused.get();
  }

  int held() {
    return held.get();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY);
      Mode now = current();
      if (now == Mode.HANG) {
        held.incrementAndGet();
        awaitOtherThan(Mode.HANG);
        now = Mode.ERROR;
      }
      switch (now) {
        case ACCEPT -> {
          accepted.add(
              new Accepted(
                  exchange.getRequestHeaders().getFirst("webhook-id"),
                  new String(body, StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
        }
        case THROTTLE -> {
          refused.incrementAndGet();
          // Longer than the first steps of the notifier's schedule: it must wait this long.
          exchange.getResponseHeaders().set("Retry-After", "4");
          exchange.sendResponseHeaders(429, -1);
        }
        default -> {
          refused.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
        }
      }
    }
  }

  private Mode current() {
    synchronized (behaviour) {
      return mode;
    }
  }

  private void awaitOtherThan(Mode hanging) {
    synchronized (behaviour) {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (mode == hanging && System.nanoTime() < until) {
        try {
          behaviour.wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    behave(Mode.ACCEPT);
    server.stop(0);
  }
}
