package dev.slipway.bench;

import dev.slipway.proto.v1.DeploymentStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Releases across many targets at once, each a no-op like {@link NoopRelease}, each followed by its
 * own {@code WatchDeployment} as a CI job would: first as many as a fixed number of clients keep
 * going (the maximum rate), then new ones arriving at 80 % of that rate, whatever the earlier ones
 * are doing (the latency under load).
 */
final class SustainedReleases {
  private static final String APP = "bench-many-";
  private static final int CLIENTS = 48;
  private static final double LOAD = 0.8;

  private final Slipway slipway;
  private final int targets;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong failed = new AtomicLong();

  private SustainedReleases(Slipway slipway, int targets) {
    this.slipway = slipway;
    this.targets = targets;
  }

  static void measure(Slipway slipway, int targets, Duration window, Report report)
      throws Exception {
    for (int t = 0; t < targets; t++) {
      slipway.target(APP + t, List.of("/bin/true"));
    }
    SustainedReleases bench = new SustainedReleases(slipway, targets);
    double most = bench.closedLoop(window);
    Latencies loaded = bench.openLoop(most * LOAD, window);
    if (bench.failed.get() > 0) {
      throw new IllegalStateException(
          bench.failed.get() + " of the sustained releases did not succeed");
    }
    String scenario = "sustained releases, " + targets + " targets";
    report.add(scenario, "releases per second", most, "/s", 250, false);
    report.add(scenario, "p99 at 80 % of max", loaded.p99(), "ms", 150, true);
    report.note(
        "sustained releases: %d clients for the maximum; at %.0f/s, %d releases, p50 %.1f ms"
            .formatted(CLIENTS, most * LOAD, loaded.count(), loaded.p50()));
  }

  /** Releases per second that {@link #CLIENTS} clients, each waiting for its own, get through. */
  private double closedLoop(Duration window) throws Exception {
    long end = System.nanoTime() + window.toNanos();
    AtomicLong done = new AtomicLong();
    long started = System.nanoTime();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < CLIENTS; c++) {
        clients.submit(
            () -> {
              while (System.nanoTime() < end) {
                release();
                done.incrementAndGet();
              }
              return null;
            });
      }
    }
    return done.get() / ((System.nanoTime() - started) / 1e9);
  }

  /** Starts a release every 1/rate seconds for the window; each one's create → finished. */
  private Latencies openLoop(double rate, Duration window) throws Exception {
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long count = window.toNanos() / interval;
    ConcurrentLinkedQueue<Long> took = new ConcurrentLinkedQueue<>();
    try (ExecutorService arrivals = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> pending = new java.util.ArrayList<>();
      for (long n = 0; n < count; n++) {
        long due = start + n * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        pending.add(
            arrivals.submit(
                () -> {
                  long began = System.nanoTime();
                  release();
                  took.add(System.nanoTime() - began);
                  return null;
                }));
      }
      for (Future<?> f : pending) {
        f.get();
      }
    }
    Latencies latencies = new Latencies();
    took.forEach(latencies::add);
    return latencies;
  }

  /** One release on the next target in turn; far more targets than releases under way at once. */
  private void release() {
    int n = next.getAndIncrement();
    String id = slipway.create(APP + (n % targets), "1.0." + n).getId();
    if (slipway.awaitFinished(id) != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
      failed.incrementAndGet();
    }
  }
}
