package dev.slipway.bench;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.HealthCheck;
import dev.slipway.proto.v1.WatchSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The standing watch under load: many targets, each watched every second with one HTTP check of a
 * local peer. The peer counts the checks that arrive in a window and, per target, how far the gap
 * between two of its checks is from the one-second interval (the schedule's jitter, as the checked
 * app sees it).
 */
final class WatchChecks {
  private static final String APP = "bench-watched-";
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final int CLIENTS = 32;

  private WatchChecks() {}

  static void measure(Slipway slipway, int targets, Duration window, Report report)
      throws Exception {
    Peer peer = Peer.start();
    try {
      release(slipway, targets, peer.port());
      peer.awaitEvery(targets, Duration.ofMinutes(2));
      peer.measuring(true);
      Thread.sleep(window.toMillis());
      peer.measuring(false);
      double perSecond = peer.arrivals() / (window.toNanos() / 1e9);
      Latencies jitter = peer.jitter();
      String scenario = "health checks, " + targets + " targets every 1 s";
      report.add(scenario, "checks per second", perSecond, "/s", 2_000, false);
      report.add(scenario, "schedule jitter p99", jitter.p99(), "ms", 50, true);
      report.note(
          "health checks: offered %d/s; jitter is |gap between a target's checks − 1 s| at the"
                  .formatted(targets)
              + " checked app, p50 %.1f ms over %d gaps".formatted(jitter.p50(), jitter.count()));
    } finally {
      peer.stop();
    }
  }

  /** One no-op release per target, so that each has a running version to watch. */
  private static void release(Slipway slipway, int targets, int port) throws Exception {
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < CLIENTS; c++) {
        clients.submit(
            () -> {
              for (int t = next.getAndIncrement(); t < targets; t = next.getAndIncrement()) {
                String app = APP + t;
                slipway.target(
                    Slipway.spec(app, List.of("/bin/true"))
                        .setWatch(
                            WatchSpec.newBuilder()
                                .setInterval(INTERVAL.toSeconds() + "s")
                                .addChecks(
                                    HealthCheck.newBuilder()
                                        .setType("http")
                                        .setName("up")
                                        .setUrl("http://127.0.0.1:" + port + "/" + t))));
                String id = slipway.create(app, "1.0.0").getId();
                if (slipway.awaitFinished(id) != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
                  throw new IllegalStateException("the release of " + app + " did not succeed");
                }
              }
              return null;
            });
      }
    }
  }

  /** The checked app: answers 200 and notes when each target's check arrived. */
  private static final class Peer {
    private final HttpServer server;
    private final ConcurrentHashMap<Integer, Long> last = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivals = new AtomicInteger();
    private volatile boolean measuring;

    private Peer(HttpServer server) {
      this.server = server;
    }

    static Peer start() throws Exception {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
      Peer peer = new Peer(server);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext(
          "/",
          exchange -> {
            long now = System.nanoTime();
            int target = Integer.parseInt(exchange.getRequestURI().getPath().substring(1));
            Long before = peer.last.put(target, now);
            if (peer.measuring) {
              peer.arrivals.incrementAndGet();
              if (before != null) {
                peer.gaps.add(Math.abs(now - before - INTERVAL.toNanos()));
              }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
      return peer;
    }

    int port() {
      return server.getAddress().getPort();
    }

    void awaitEvery(int targets, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (last.size() < targets) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(
              "only " + last.size() + " of " + targets + " watched targets were checked");
        }
        Thread.sleep(100);
      }
      Thread.sleep(2 * INTERVAL.toMillis()); // every watch past its first round
    }

    void measuring(boolean on) {
      measuring = on;
    }

    int arrivals() {
      return arrivals.get();
    }

    Latencies jitter() {
      Latencies jitter = new Latencies();
      gaps.forEach(jitter::add);
      return jitter;
    }

    void stop() {
      server.stop(0);
    }
  }
}
