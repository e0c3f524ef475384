package dev.slipway.platform.process;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leased work a service is running, for a graceful shutdown: once it drains, no new work
 * begins; running work gets a grace period to finish, then is handed back (stopped, reporting
 * nothing, its lease released so that another runner takes it over at once).
 */
public final class RunningWork {
  private static final Logger LOG = LoggerFactory.getLogger(RunningWork.class);
  private final Set<StopSignal> running = ConcurrentHashMap.newKeySet();
  private final Object changed = new Object();
  private volatile boolean draining;

  /** Registers work about to begin; false once draining, when the caller hands it back at once. */
  public boolean begin(StopSignal stop) {
    running.add(stop);
    if (draining) {
      end(stop);
      return false;
    }
    return true;
  }

  public void end(StopSignal stop) {
    running.remove(stop);
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Stops new work, waits up to {@code grace} for running work to end, hands back what still runs
   * and waits for it to stop (its children get {@link ChildProcess#GRACE}). Returns how much work
   * was handed back.
   */
  public int drain(Duration grace, String reason) throws InterruptedException {
    Duration stopping = ChildProcess.GRACE.plusSeconds(5);
    draining = true;
    if (!awaitIdle(grace)) {
      LOG.info(
          "{} job(s) still running after {}: handing them back ({})",
          running.size(),
          grace,
          reason);
    }
    int handedBack = 0;
    for (StopSignal stop : running) {
      stop.handBack(reason);
      handedBack++;
    }
    if (!awaitIdle(stopping)) {
      LOG.warn("{} job(s) did not stop within {}", running.size(), stopping);
    }
    return handedBack;
  }

  private boolean awaitIdle(Duration bound) throws InterruptedException {
    long until = System.nanoTime() + bound.toNanos();
    synchronized (changed) {
      while (!running.isEmpty()) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
