package dev.slipway.health;

import dev.slipway.health.domain.CheckOutcome;
import dev.slipway.health.domain.Observation;
import dev.slipway.health.probes.Probe;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.kafka.EventTap;
import dev.slipway.proto.internal.v1.ListWatchesResponse;
import dev.slipway.proto.internal.v1.ReportWatchVerdictRequest;
import dev.slipway.proto.internal.v1.ReportWatchVerdictResponse;
import dev.slipway.proto.internal.v1.Watch;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.TargetRef;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standing watch of every watched target, run by one replica (see {@link WatchLeadership}). One
 * timer thread schedules every target's rounds at a fixed rate and hands each to a virtual thread,
 * at most {@code slipway.watch.concurrency} rounds at once; how late a round starts is measured
 * ({@code slipway_watch_lateness_seconds}). The set of watches follows the orchestrator: read in
 * full every {@code slipway.watch.refresh}, and for one target as soon as this replica sees one of
 * its deployments start (the watch pauses) or end (the watch follows the version now running).
 */
@Singleton
@Requires(property = "slipway.watch.enabled", notEquals = "false")
public class StandingWatch implements EventTap, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandingWatch.class);
  private static final Duration LEAD_CHECK = Duration.ofSeconds(2);

  /** How long a confirmed lead is trusted: rounds stop this long after the last confirmation. */
  private static final Duration LEAD_VALID = Duration.ofSeconds(5);

  private static final int MAX_PENDING_REFRESHES = 10_000;
  private final OrchestratorClient orchestrator;
  private final Probe probe;
  private final WatchLeadership leadership;
  private final Duration refresh;
  private final Semaphore permits;
  private final MeterRegistry meters;
  private final Timer lateness;
  private final Map<String, TargetWatch> watches = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<TargetRef> refreshes =
      new LinkedBlockingQueue<>(MAX_PENDING_REFRESHES);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("watch-timer").daemon().factory());
  private final ExecutorService rounds =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("watch-round-", 0).factory());
  private final Thread keeper = Thread.ofPlatform().name("watch-keeper").unstarted(this::keep);
  private final Thread leader = Thread.ofPlatform().name("watch-lead").unstarted(this::lead);
  private volatile long leadUntil;
  private volatile boolean closed;

  public StandingWatch(
      OrchestratorClient orchestrator,
      Probe probe,
      Transactions transactions,
      MeterRegistry meters,
      @Value("${slipway.watch.refresh:10s}") Duration refresh,
      @Value("${slipway.watch.concurrency:256}") int concurrency) {
    this.orchestrator = orchestrator;
    this.probe = probe;
    this.leadership = new WatchLeadership(transactions.dataSource());
    this.refresh = refresh;
    this.permits = new Semaphore(concurrency);
    this.meters = meters;
    this.lateness =
        Timer.builder("slipway.watch.lateness")
            .description("How late a standing watch's round started after it was due")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(meters);
    meters.gauge("slipway.watch.targets", watches, Map::size);
  }

  @EventListener
  void onStartup(StartupEvent event) {
    leader.start();
    keeper.start();
  }

  /** Whether this replica's lead was confirmed recently enough to act on. */
  private boolean leading() {
    return System.nanoTime() - leadUntil < 0;
  }

  /**
   * Confirms the lead every {@link #LEAD_CHECK}, on a thread of its own so that nothing the keeper
   * waits for delays it; a lead not confirmed for {@link #LEAD_VALID} stops every round.
   */
  private void lead() {
    while (!closed) {
      long asked = System.nanoTime();
      if (leadership.holds()) {
        leadUntil = asked + LEAD_VALID.toNanos();
      } else if (leadUntil != 0) {
        LOG.warn("standing watch: lead lost, every watch stops");
        leadUntil = 0;
        stopAll();
      }
      try {
        Thread.sleep(LEAD_CHECK);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** A deployment that starts pauses its target's watch at once; one that ends renews it. */
  @Override
  public void seen(DeploymentEvent event) {
    if (event.getDeploymentId().isEmpty()) {
      return;
    }
    TargetWatch watch = watches.get(TargetKey.of(event.getTarget()));
    if (event.hasPhaseStarted() && watch != null) {
      watch.paused = true;
    }
    if (event.hasFinished() && !refreshes.offer(event.getTarget())) {
      LOG.debug("refresh queue full; the next full refresh covers {}", event.getTarget());
    }
  }

  /** Keeps the lead and the set of watches, until closed. */
  private void keep() {
    long nextFull = 0;
    while (!closed) {
      try {
        boolean lead = leading();
        if (!lead) {
          nextFull = 0; // a new lead starts from a full read
        }
        if (lead && System.nanoTime() >= nextFull) {
          refreshes.clear();
          refreshAll();
          nextFull = System.nanoTime() + refresh.toNanos();
        }
        TargetRef one = refreshes.poll(LEAD_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        if (one != null && leading()) {
          refreshOne(one);
        }
      } catch (InterruptedException e) {
        return;
      } catch (StatusRuntimeException e) {
        LOG.warn("standing watch: the orchestrator did not answer: {}", e.getStatus());
        sleep();
      } catch (RuntimeException e) {
        LOG.error("standing watch: refresh failed", e);
        sleep();
      }
    }
  }

  private void refreshAll() throws InterruptedException {
    Set<String> seen = new HashSet<>();
    String token = "";
    do {
      ListWatchesResponse page = orchestrator.watches(Optional.empty(), token);
      for (Watch watch : page.getWatchesList()) {
        seen.add(TargetKey.of(watch.getTarget()));
        follow(watch, true);
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    for (String key : List.copyOf(watches.keySet())) {
      if (!seen.contains(key)) {
        stop(key);
      }
    }
  }

  private void refreshOne(TargetRef target) throws InterruptedException {
    List<Watch> found = orchestrator.watches(Optional.of(target), "").getWatchesList();
    if (found.isEmpty()) {
      stop(TargetKey.of(target));
    } else {
      follow(found.getFirst(), false);
    }
  }

  /** Starts, renews or pauses one target's watch as the orchestrator describes it. */
  private void follow(Watch watch, boolean spread) throws InterruptedException {
    String key = TargetKey.of(watch.getTarget());
    TargetWatch current = watches.get(key);
    // The same ledger entry: after a rollback the version put back has a new one, though it names
    // the same deployment.
    if (current != null && current.watch().getEntryId() == watch.getEntryId()) {
      current.paused = watch.getPaused();
      return;
    }
    stop(key);
    TargetWatch started;
    try {
      started = TargetWatch.prepare(watch, orchestrator);
    } catch (RuntimeException e) {
      // Tried again on the next refresh.
      LOG.warn("standing watch of {}: cannot read its checks now: {}", key, e.getMessage());
      return;
    }
    watches.put(key, started);
    long interval = started.interval().toNanos();
    // At start-up the rounds of all targets are spread over their interval, not run at once.
    long first = spread ? ThreadLocalRandom.current().nextLong(interval) : interval;
    schedule(started, System.nanoTime() + first);
  }

  private void schedule(TargetWatch watch, long dueNanos) {
    if (closed || watch.stopped) {
      return;
    }
    watch.next =
        timer.schedule(
            () -> rounds.execute(() -> run(watch, dueNanos)),
            Math.max(0, dueNanos - System.nanoTime()),
            TimeUnit.NANOSECONDS);
  }

  private void run(TargetWatch watch, long dueNanos) {
    try {
      permits.acquire();
      try {
        lateness.record(Math.max(0, System.nanoTime() - dueNanos), TimeUnit.NANOSECONDS);
        if (leading() && !watch.paused && !watch.stopped) {
          TargetWatch.Round round = watch.round(probe);
          meters
              .counter("slipway.watch.rounds", "outcome", outcome(round.observations()))
              .increment();
          // Checked again: the lead may have been lost while the round ran.
          if (leading() && !watch.stopped) {
            round.change().ifPresent(change -> report(watch, change));
          }
        }
      } finally {
        permits.release();
      }
    } catch (InterruptedException e) {
      return;
    } catch (RuntimeException e) {
      LOG.error("standing watch of {}: round failed", watch.key(), e);
    }
    long next = dueNanos + watch.interval().toNanos();
    schedule(watch, Math.max(next, System.nanoTime()));
  }

  private void report(TargetWatch watch, ReportWatchVerdictRequest change) {
    try {
      ReportWatchVerdictResponse answer = orchestrator.reportWatch(change);
      if (answer.getAccepted()) {
        watch.held(change.getVerdict());
        if (answer.getChanged()) {
          LOG.info(
              "standing watch of {} version {}: now {}: {}",
              watch.key(),
              watch.watch().getVersion(),
              change.getVerdict(),
              change.getSummary());
        }
      } else if (!refreshes.offer(watch.watch().getTarget())) {
        LOG.debug("refresh queue full; the next full refresh covers {}", watch.key());
      }
    } catch (StatusRuntimeException e) {
      // Sent again after the next round, which still differs from the verdict held.
      LOG.warn("standing watch of {}: verdict not reported: {}", watch.key(), e.getStatus());
    }
  }

  private static String outcome(List<Observation> round) {
    if (round.stream().anyMatch(o -> o.outcome() == CheckOutcome.FAILED)) {
      return "failed";
    }
    return round.stream().anyMatch(o -> o.outcome() == CheckOutcome.ERRORED) ? "errored" : "passed";
  }

  private void stop(String key) {
    TargetWatch watch = watches.remove(key);
    if (watch != null) {
      watch.stopped = true;
      if (watch.next != null) {
        watch.next.cancel(false);
      }
    }
  }

  private void stopAll() {
    List.copyOf(watches.keySet()).forEach(this::stop);
  }

  private void sleep() {
    try {
      Thread.sleep(LEAD_CHECK);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  @PreDestroy
  public void close() throws InterruptedException {
    closed = true;
    keeper.interrupt();
    leader.interrupt();
    keeper.join(5_000);
    leader.join(5_000);
    stopAll();
    timer.shutdownNow();
    rounds.shutdownNow();
    leadership.close();
  }
}
