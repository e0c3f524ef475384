package dev.slipway.platform.lease;

import dev.slipway.platform.process.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a row lease (a runner's, a job's) renewed while its holder acts, and tells the holder's
 * {@link StopSignal} how long it may go on. A renewal that fails (the database is away) is retried;
 * if none succeeds before a third of the lease is left, the signal fires, so the effect is stopped
 * before anyone else may take the lease over. A renewal that finds the lease gone fires it at once.
 */
public final class Lease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  /** Extends the lease to {@code until}; false when this holder no longer has it. */
  @FunctionalInterface
  public interface Renewal {
    boolean renew(Instant until);
  }

  private final String what;
  private final Duration length;
  private final Clock clock;
  private final Renewal renewal;
  private final StopSignal stop;
  private final Thread renewer;
  private volatile boolean closed;

  private Lease(String what, Duration length, Clock clock, Renewal renewal, StopSignal stop) {
    this.what = what;
    this.length = length;
    this.clock = clock;
    this.renewal = renewal;
    this.stop = stop;
    this.renewer = Thread.ofVirtual().name("lease-" + what).unstarted(this::renewLoop);
  }

  /**
   * Starts renewing a lease held until {@code heldUntil}.
   *
   * @param length how far each renewal extends it
   */
  public static Lease hold(
      String what,
      Instant heldUntil,
      Duration length,
      Clock clock,
      Renewal renewal,
      StopSignal stop) {
    Lease lease = new Lease(what, length, clock, renewal, stop);
    lease.held(heldUntil);
    lease.renewer.start();
    return lease;
  }

  private void held(Instant until) {
    stop.leaseHeld(until.minus(length.dividedBy(3)), until);
  }

  private void renewLoop() {
    Duration period = length.dividedBy(6);
    // Renewed until closed, also after a deadline stopped the work: the holder still reports it.
    while (!closed) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      Instant until = clock.instant().plus(length);
      try {
        if (renewal.renew(until)) {
          held(until);
        } else {
          stop.leaseTakenOver(
              "the lease of "
                  + what
                  + " is no longer this runner's (taken over, or the phase ended)");
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot renew the lease of {} (retrying): {}", what, e.toString());
      }
    }
  }

  /** Stops renewing; once it returns, no renewal runs any more (one in flight has ended). */
  @Override
  public void close() {
    closed = true;
    renewer.interrupt();
    try {
      renewer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
